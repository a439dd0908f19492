import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api } from './api.js';
import { cost, int } from './format.js';

function Chart({ title, x, series, id, format = (v) => v.toLocaleString('en-US') }) {
  const el = useRef(null);
  useEffect(() => {
    if (!el.current) return undefined;
    const plot = new uPlot(
      {
        title,
        width: Math.min(900, el.current.clientWidth || 800),
        height: 240,
        scales: { x: { time: true } },
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}22`, width: 2 }))],
        axes: [{}, { size: 80, values: (_u, vals) => vals.map((v) => (v === null ? '' : format(v))) }],
      },
      [x, ...series.map((s) => s.values)],
      el.current,
    );
    return () => plot.destroy();
  }, [x, series]);
  return html`<div class="chart" data-chart=${id} ref=${el}></div>`;
}

/** Cost and tokens of the project over time, and by model. */
export function Overview({ onAuthError }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v2/overview?days=30').then(setData, (e) => (e.constructor.name === 'AuthError' ? onAuthError(e) : setError(e.message)));
  }, []);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const x = data.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  return html`<section class="overview">
    <${Chart} id="cost" title="Cost per day (USD)" x=${x} format=${(v) => `$${v.toFixed(v < 0.01 ? 5 : 2)}`} series=${[{ label: 'Cost', color: '#7c3aed', values: data.days.map((d) => d.cost) }]} />
    <${Chart}
      id="tokens"
      title="Tokens per day"
      x=${x}
      series=${[
        { label: 'Input', color: '#0ea5e9', values: data.days.map((d) => d.prompt_tokens) },
        { label: 'Output', color: '#f59e0b', values: data.days.map((d) => d.completion_tokens) },
      ]}
    />
    <h3>By model</h3>
    <table class="models">
      <thead><tr><th>Model</th><th class="num">Calls</th><th class="num">Input tokens</th><th class="num">Output tokens</th><th class="num">Cost</th><th></th></tr></thead>
      <tbody>
        ${data.models.map((m) => {
          const max = Math.max(...data.models.map((x) => x.cost), 1e-12);
          return html`<tr>
            <td>${m.model ?? 'unknown'}</td><td class="num">${int(m.calls)}</td><td class="num">${int(m.prompt_tokens)}</td><td class="num">${int(m.completion_tokens)}</td>
            <td class="num">${cost(m.cost, m.unpriced_llm_calls)}</td><td class="barcell"><div class="hbar" style=${{ width: `${(100 * m.cost) / max}%` }}></div></td>
          </tr>`;
        })}
      </tbody>
    </table>
  </section>`;
}

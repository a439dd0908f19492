import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api } from './api.js';
import { cost, duration, int } from './format.js';

const COLORS = ['#7c3aed', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#6b7280'];
const MODELS_CHARTED = 5;

/** Tick labels with as many decimals as the step between ticks needs: two ticks never read the same. */
function stepFormat(prefix, suffix = '') {
  return (_u, splits) => {
    const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : Math.abs(splits[0] ?? 1);
    const decimals = step > 0 && step < 1 ? Math.min(10, Math.ceil(-Math.log10(step))) : 0;
    return splits.map((v) => (v === null ? '' : `${prefix}${Number(v).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${suffix}`));
  };
}

const compact = (_u, splits) => splits.map((v) => (v === null ? '' : Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(v)));

/** Day ticks: at most about eight labels, the first and the last day always among them. */
function daySplits(x) {
  return () => {
    const every = Math.max(1, Math.ceil(x.length / 8));
    const picked = x.filter((_, i) => (x.length - 1 - i) % every === 0);
    return picked;
  };
}
const dayLabel = (_u, splits) => splits.map((t) => new Date(t * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }));

/**
 * One chart: as wide as its card (and again when the card changes width), our own legend, no library legend.
 * The tick labels drawn are kept in data attributes, for the tests and for assistive tools.
 */
function Chart({ title, x, series, id, yFormat }) {
  const el = useRef(null);
  const box = useRef(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const opts = {
      width: box.current.clientWidth || 800,
      height: 220,
      legend: { show: false },
      scales: { x: { time: true } },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}22`, width: 2, points: { show: x.length < 40 } }))],
      axes: [
        { splits: daySplits(x), values: dayLabel, size: 40 },
        { size: 90, values: yFormat },
      ],
      hooks: {
        draw: [
          (u) => {
            el.current.dataset.xticks = JSON.stringify(u.axes[0]._values ?? []);
            el.current.dataset.yticks = JSON.stringify(u.axes[1]._values ?? []);
            el.current.dataset.width = String(u.width);
          },
        ],
      },
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], box.current);
    const resize = new ResizeObserver(() => box.current && plot.setSize({ width: box.current.clientWidth, height: 220 }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series]);
  return html`<div class="chart" data-chart=${id} ref=${el}>
    <div class="chart-head"><h3>${title}</h3>
      <div class="legend">${series.map((s) => html`<span class="legend-item" data-series=${s.label}><span class="swatch" style=${{ background: s.color }}></span>${s.label}</span>`)}</div>
    </div>
    <div class="chart-body" ref=${box}></div>
  </div>`;
}

/** Cost per day for the top models (by cost), the rest as "other". */
function costByModel(data, x) {
  const top = data.models.slice(0, MODELS_CHARTED).map((m) => m.model);
  const index = new Map(data.days.map((d, i) => [d.day, i]));
  const series = top.map((m, i) => ({ label: m ?? 'unknown', color: COLORS[i], values: new Array(x.length).fill(0) }));
  const other = { label: 'other', color: COLORS[5], values: new Array(x.length).fill(0) };
  for (const r of data.model_days) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const k = top.indexOf(r.model);
    (k >= 0 ? series[k] : other).values[i] += r.cost;
  }
  return other.values.some((v) => v > 0) ? [...series, other] : series.length ? series : [{ label: 'cost', color: COLORS[0], values: new Array(x.length).fill(0) }];
}

/** Cost, tokens and errors of the project per day, and per model with latency. */
export function Overview({ onAuthError }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v2/overview?days=30').then(setData, (e) => (e.constructor.name === 'AuthError' ? onAuthError(e) : setError(e.message)));
  }, []);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const x = data.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const max = Math.max(...data.models.map((m) => m.cost), 1e-12);
  return html`<section class="overview">
    <div class="charts">
      <${Chart} id="cost" title="Cost per day by model (USD)" x=${x} yFormat=${stepFormat('$')} series=${costByModel(data, x)} />
      <${Chart}
        id="tokens"
        title="Tokens per day"
        x=${x}
        yFormat=${compact}
        series=${[
          { label: 'Input', color: '#0ea5e9', values: data.days.map((d) => d.prompt_tokens) },
          { label: 'Output', color: '#f59e0b', values: data.days.map((d) => d.completion_tokens) },
        ]}
      />
      <${Chart}
        id="errors"
        title="Error rate per day (error events / events)"
        x=${x}
        yFormat=${stepFormat('', '%')}
        series=${[{ label: 'Errors', color: '#ef4444', values: data.days.map((d) => (d.error_rate === null ? null : 100 * d.error_rate)) }]}
      />
    </div>
    <h3>By model</h3>
    <table class="models">
      <thead><tr><th>Model</th><th class="num">Calls</th><th class="num">Input tokens</th><th class="num">Output tokens</th><th class="num">p50 latency</th><th class="num">p95 latency</th><th class="num">Cost</th><th></th></tr></thead>
      <tbody>
        ${data.models.map(
          (m) => html`<tr data-model=${m.model ?? ''}>
            <td>${m.model ?? 'unknown'}</td><td class="num">${int(m.calls)}</td><td class="num">${int(m.prompt_tokens)}</td><td class="num">${int(m.completion_tokens)}</td>
            <td class="num" data-col="p50">${duration(m.p50_ms)}</td><td class="num" data-col="p95">${duration(m.p95_ms)}</td>
            <td class="num">${cost(m.cost, m.unpriced_llm_calls)}</td><td class="barcell"><div class="hbar" style=${{ width: `${(100 * m.cost) / max}%` }}></div></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { ErrorBadge, ShortId, StateBadge, Tags } from './components.js';
import { cost, duration, int, ms, time } from './format.js';

const PAGE = 50;

/** The sessions of the project, newest first, paged on the server; running sessions refresh live. */
export function SessionsList({ navigate, onAuthError }) {
  const [filters, setFilters] = useState({ tag: '', end_state: '', after: '', before: '' });
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState([]);
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let live = true;
    const load = () =>
      api(
        `/v2/sessions${query({
          limit: PAGE,
          tag: filters.tag,
          end_state: filters.end_state,
          after: filters.after ? new Date(filters.after).toISOString() : '',
          before: cursor?.before ?? (filters.before ? new Date(filters.before).toISOString() : ''),
          before_id: cursor?.id ?? '',
        })}`,
      ).then(
        (r) => live && (setRows(r.sessions), setError(null)),
        (e) => live && (e.name === 'AuthError' || e.constructor.name === 'AuthError' ? onAuthError(e) : setError(e.message)),
      );
    load();
    // The first page is live: new and running sessions show up without a reload.
    const timer = cursors.length === 0 ? setInterval(load, 3000) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [filters, cursor]);

  const apply = (e) => {
    e.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const field = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });

  return html`<section>
    <form class="filters" onSubmit=${apply}>
      <label>Tag <input name="tag" value=${draft.tag} onInput=${field('tag')} placeholder="any" /></label>
      <label>End state
        <select name="end_state" value=${draft.end_state} onChange=${field('end_state')}>
          <option value="">any</option><option>Success</option><option>Failure</option><option>Indeterminate</option><option>Running</option>
        </select>
      </label>
      <label>From <input type="datetime-local" name="after" value=${draft.after} onInput=${field('after')} /></label>
      <label>To <input type="datetime-local" name="before" value=${draft.before} onInput=${field('before')} /></label>
      <button type="submit">Filter</button>
    </form>
    ${error ? html`<p class="error">${error}</p>` : null}
    ${rows === null
      ? html`<p class="muted">Loading…</p>`
      : html`<table class="sessions">
          <thead><tr><th>Session</th><th>App</th><th>Started</th><th>Duration</th><th>End state</th><th>Models</th><th>Tags</th><th class="num">LLM calls</th><th class="num">Tokens</th><th class="num">Cost</th></tr></thead>
          <tbody>
            ${rows.length === 0 ? html`<tr><td colspan="10" class="muted">No sessions.</td></tr>` : null}
            ${rows.map(
              (s) => html`<tr class="session-row" data-session=${s.session_id} onClick=${() => navigate(`/sessions/${s.session_id}`)}>
                <td><${ShortId} id=${s.session_id} /></td>
                <td class="app" data-col="app">${s.app ?? ''}</td>
                <td>${time(s.init_timestamp)}</td>
                <td>${s.end_timestamp ? duration(ms(s.init_timestamp, s.end_timestamp)) : html`<span class="muted">${duration(Date.now() - Date.parse(s.init_timestamp))}…</span>`}</td>
                <td class="state" title=${s.end_state_reason ?? ''}><${StateBadge} state=${s.end_state} /> <${ErrorBadge} errors=${s.errors} /></td>
                <td class="models" data-col="models">${(s.models ?? []).join(', ')}</td>
                <td><${Tags} tags=${s.tags} /></td>
                <td class="num">${int(s.llm_calls)}</td>
                <td class="num">${int(s.total_tokens)}</td>
                <td class="num">${cost(s.cost, s.unpriced_llm_calls)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        <div class="pager">
          <button disabled=${cursors.length === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>← Newer</button>
          <button disabled=${rows.length < PAGE} onClick=${() => setCursors([...cursors, { before: rows[rows.length - 1].init_timestamp, id: rows[rows.length - 1].session_id }])}>Older →</button>
        </div>`}
  </section>`;
}

import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { ErrorBadge, ShortId, StateBadge, Tags } from './components.js';
import { cost, duration, int, ms, time } from './format.js';

const PAGE = 50;
const FILTERS = ['q', 'tag', 'end_state', 'model', 'agent', 'has_errors', 'min_cost', 'max_cost', 'after', 'before'];

/** The sessions of the project, newest first, paged on the server; running sessions refresh live. */
export function SessionsList({ navigate, onAuthError }) {
  // The filters are the page's URL (/?q=…&model=…): a filtered list can be shared, reloaded, and come back to.
  const [filters, setFilters] = useState(() => {
    const url = new URLSearchParams(location.search);
    return Object.fromEntries(FILTERS.map((k) => [k, url.get(k) ?? '']));
  });
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
          q: filters.q,
          tag: filters.tag,
          end_state: filters.end_state,
          model: filters.model,
          agent: filters.agent,
          has_errors: filters.has_errors,
          min_cost: filters.min_cost,
          max_cost: filters.max_cost,
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
    history.replaceState(null, '', `${location.pathname}${query(draft)}`);
  };
  const field = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });

  return html`<section>
    <form class="filters" onSubmit=${apply}>
      <label class="search">Search <input name="q" type="search" value=${draft.q} onInput=${field('q')} placeholder="prompts, completions, tool calls, errors, tags" /></label>
      <label>Model <input name="model" value=${draft.model} onInput=${field('model')} placeholder="any" /></label>
      <label>Agent <input name="agent" value=${draft.agent} onInput=${field('agent')} placeholder="any" /></label>
      <label>Errors
        <select name="has_errors" value=${draft.has_errors} onChange=${field('has_errors')}>
          <option value="">any</option><option value="true">with errors</option><option value="false">without</option>
        </select>
      </label>
      <label>Cost from $ <input name="min_cost" type="number" min="0" step="any" value=${draft.min_cost} onInput=${field('min_cost')} /></label>
      <label>to $ <input name="max_cost" type="number" min="0" step="any" value=${draft.max_cost} onInput=${field('max_cost')} /></label>
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
              (s) => html`<tr class="session-row" data-session=${s.session_id} data-match=${s.match_event_id ?? ''}
                onClick=${() => navigate(`/sessions/${s.session_id}${filters.q ? query({ event: s.match_event_id, q: filters.q }) : ''}`)}>
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

import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { Chat } from './chat.js';
import { ErrorBadge, Json, JsonOrText, StateBadge, Tags } from './components.js';
import { cost, duration, int, ms, time, usd } from './format.js';

const TYPES = { llms: 'LLM', actions: 'Action', tools: 'Tool', errors: 'Error' };

function label(e) {
  if (e.event_type === 'llms') return `${e.operation ?? 'chat'} ${e.model ?? ''}`;
  if (e.event_type === 'actions' && e.action_type === 'handoff' && e.params?.to_agent) return `handoff ${e.params.from_agent ?? ''} → ${e.params.to_agent}`;
  if (e.event_type === 'actions') return e.action_type ?? 'action';
  if (e.event_type === 'tools') return e.name ?? 'tool';
  return e.error_type ?? 'error';
}

/**
 * Events with their place in the tree: an event whose parent span is another event's span sits under it
 * (`ancestors`, nearest first), and `children` counts the events right under it.
 */
function withDepth(events) {
  const bySpan = new Map(events.filter((e) => e.span_id).map((e) => [e.span_id, e]));
  const children = new Map();
  const out = events.map((e) => {
    const ancestors = [];
    for (let p = e; p.parent_span_id && bySpan.has(p.parent_span_id) && ancestors.length < 20; p = bySpan.get(p.parent_span_id)) ancestors.push(bySpan.get(p.parent_span_id).id);
    if (ancestors.length) children.set(ancestors[0], (children.get(ancestors[0]) ?? 0) + 1);
    return { ...e, depth: ancestors.length, ancestors };
  });
  for (const e of out) e.children = children.get(e.id) ?? 0;
  return out;
}

/** Per agent of the session: its name, LLM calls, tokens, cost, tool calls and errors. */
function agentTotals(agents, events) {
  const names = new Map((agents ?? []).map((a) => [a.id, a.name]));
  const rows = new Map();
  for (const e of events) {
    if (!e.agent_id) continue;
    let r = rows.get(e.agent_id);
    if (!r) rows.set(e.agent_id, (r = { id: e.agent_id, name: names.get(e.agent_id) ?? e.agent_id, llms: 0, tokens: 0, cost: 0, unpriced: 0, tools: 0, errors: 0 }));
    if (e.event_type === 'llms') {
      r.llms++;
      r.tokens += (e.prompt_tokens ?? 0) + (e.completion_tokens ?? 0);
      if (e.cost == null) r.unpriced++;
      else r.cost += e.cost;
    } else if (e.event_type === 'tools') r.tools++;
    else if (e.event_type === 'errors') r.errors++;
  }
  for (const [id, name] of names) if (!rows.has(id)) rows.set(id, { id, name, llms: 0, tokens: 0, cost: 0, unpriced: 0, tools: 0, errors: 0 });
  return [...rows.values()];
}

function AgentsPanel({ rows }) {
  if (rows.length === 0) return null;
  return html`<div class="pane agents"><h3>Agents</h3>
    <table class="agents-table">
      <thead><tr><th>Agent</th><th class="num">LLM calls</th><th class="num">Tokens</th><th class="num">Cost</th><th class="num">Tool calls</th><th class="num">Errors</th></tr></thead>
      <tbody>${rows.map(
        (a) => html`<tr data-agent=${a.name}><td>${a.name}</td><td class="num">${int(a.llms)}</td><td class="num">${int(a.tokens)}</td><td class="num">${cost(a.cost, a.unpriced)}</td><td class="num">${int(a.tools)}</td><td class="num">${int(a.errors)}</td></tr>`,
      )}</tbody>
    </table></div>`;
}

/** Rows of the timeline, px: rows are drawn only where the list is scrolled to, so any number opens at once. */
const ROW_HEIGHT = 28;
const VISIBLE_ROWS = 24;

function Waterfall({ session, events: all, selected, onSelect, matches }) {
  const [scrollTop, setScrollTop] = useState(0);
  const [collapsed, setCollapsed] = useState(() => new Set());
  const events = useMemo(() => (collapsed.size === 0 ? all : all.filter((e) => !e.ancestors.some((a) => collapsed.has(a)))), [all, collapsed]);
  const toggle = (id) => (ev) => {
    ev.stopPropagation();
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  const box = useRef(null);
  // An event named in the URL is scrolled into view once the timeline has it.
  useEffect(() => {
    const i = selected ? events.findIndex((e) => e.id === selected) : -1;
    if (i >= 0 && box.current && (i * ROW_HEIGHT < box.current.scrollTop || (i + 1) * ROW_HEIGHT > box.current.scrollTop + box.current.clientHeight)) {
      box.current.scrollTop = Math.max(0, (i - 3) * ROW_HEIGHT);
    }
  }, [selected, events.length > 0]);
  const start = Date.parse(session.init_timestamp);
  let end = session.end_timestamp ? Date.parse(session.end_timestamp) : Date.now();
  for (const e of events) {
    const t = Date.parse(e.end_timestamp);
    if (t > end) end = t;
  }
  const total = Math.max(1, end - start);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const shown = events.slice(first, first + VISIBLE_ROWS + 20);
  const height = Math.min(events.length, VISIBLE_ROWS) * ROW_HEIGHT;
  return html`<div class="waterfall" ref=${box} style=${{ height: `${height}px`, overflowY: 'auto', position: 'relative' }} data-rows=${events.length}
      onScroll=${(ev) => setScrollTop(ev.currentTarget.scrollTop)}>
    <div style=${{ height: `${events.length * ROW_HEIGHT}px`, position: 'relative' }}>
    ${shown.map((e, i) => {
      const s = Date.parse(e.init_timestamp) - start;
      const d = Math.max(0, Date.parse(e.end_timestamp) - Date.parse(e.init_timestamp));
      return html`<div class=${`wf-row ${selected === e.id ? 'selected' : ''} ${matches.has(e.id) ? 'match' : ''}`} key=${e.id} data-event=${e.id} data-type=${e.event_type} onClick=${() => onSelect(e.id)}
          style=${{ position: 'absolute', top: `${(first + i) * ROW_HEIGHT}px`, left: 0, right: 0, height: `${ROW_HEIGHT}px` }}>
        <div class="wf-label" style=${{ paddingLeft: `${8 + e.depth * 16}px` }}>
          ${e.children
            ? html`<button class="twisty" data-toggle=${e.id} title=${collapsed.has(e.id) ? 'Expand' : 'Collapse'} onClick=${toggle(e.id)}>${collapsed.has(e.id) ? '▸' : '▾'}</button>`
            : html`<span class="twisty-space"></span>`}
          <span class=${`type type-${e.event_type}`}>${TYPES[e.event_type]}</span> ${e.agent_name ? html`<span class="agent-name">${e.agent_name}</span> ` : null}${label(e)}
        </div>
        <div class="wf-track">
          <div class=${`wf-bar bar-${e.event_type}`} style=${{ left: `${(100 * s) / total}%`, width: `max(2px, ${(100 * d) / total}%)` }}></div>
        </div>
        <div class="wf-dur">${duration(d)}</div>
      </div>`;
    })}
    </div>
  </div>`;
}

function Field({ name, children }) {
  return html`<div class="field"><span class="field-name">${name}</span><span class="field-value">${children}</span></div>`;
}

function EventDetails({ event, byId }) {
  if (!event) return html`<p class="muted">Click an event in the timeline to see it.</p>`;
  const latency = ms(event.init_timestamp, event.end_timestamp);
  return html`<div class="details" data-details=${event.event_type}>
    <h3><span class=${`type type-${event.event_type}`}>${TYPES[event.event_type]}</span> ${label(event)}</h3>
    <${Field} name="Started">${time(event.init_timestamp)}<//>
    <${Field} name="Latency">${duration(latency)}<//>
    ${event.agent_id ? html`<${Field} name="Agent">${event.agent_name ? `${event.agent_name} (${event.agent_id})` : event.agent_id}<//>` : null}
    ${event.event_type === 'llms'
      ? html`
          <${Field} name="Model">${event.model ?? '—'}${event.provider ? ` (${event.provider})` : ''}<//>
          <${Field} name="Tokens">${event.prompt_tokens == null && event.completion_tokens == null
            ? html`<span data-tokens="unknown">unknown</span> <span class="hint">(a stream without usage: set <span class="mono">AGENTOPS_STREAM_USAGE=true</span> to have the SDK ask for it)</span>`
            : html`${int(event.prompt_tokens)} in · ${int(event.completion_tokens)} out${event.cache_read_tokens ? ` · ${int(event.cache_read_tokens)} cache read` : ''}${event.reasoning_tokens ? ` · ${int(event.reasoning_tokens)} reasoning` : ''}`}<//>
          <${Field} name="Cost">${event.cost === null || event.cost === undefined ? 'unknown' : usd(event.cost)}<//>
          ${event.time_to_first_token_ms != null ? html`<${Field} name="Time to first token">${duration(event.time_to_first_token_ms)}<//>` : null}
          ${event.finish_reasons?.length ? html`<${Field} name="Finish">${event.finish_reasons.join(', ')}<//>` : null}
          <h4>Prompt</h4><${Chat} messages=${event.prompt} />
          <h4>Completion</h4><${Chat} messages=${event.completion} />
          ${event.params ? html`<h4>Parameters</h4><${Json} value=${event.params} />` : null}`
      : null}
    ${event.event_type === 'errors'
      ? html`
          <${Field} name="Type">${event.error_type ?? '—'}<//>
          ${event.code ? html`<${Field} name="Code">${event.code}<//>` : null}
          <${Field} name="Message">${event.details ?? '—'}<//>
          ${event.trigger_event_id ? html`<${Field} name="Triggered by">${byId.get(event.trigger_event_id) ? label(byId.get(event.trigger_event_id)) : ''} (${event.trigger_event_type ?? ''} ${event.trigger_event_id})<//>` : null}
          ${event.logs ? html`<h4>Stack</h4><pre class="stack">${typeof event.logs === 'string' ? event.logs : JSON.stringify(event.logs, null, 2)}</pre>` : null}`
      : null}
    ${event.event_type === 'actions' || event.event_type === 'tools'
      ? html`
          <h4>Params</h4><${JsonOrText} value=${event.params} />
          <h4>Returns</h4><${JsonOrText} value=${event.returns} />
          ${event.logs ? html`<h4>Logs</h4><${Json} value=${event.logs} />` : null}
          ${event.screenshot ? html`<h4>Screenshot</h4><p class="mono">${String(event.screenshot).slice(0, 200)}</p>` : null}`
      : null}
  </div>`;
}

/** The bodies of an event (cut or left out of the timeline's summary) from its full JSON. */
const pick = (full) => {
  const out = {};
  for (const k of ['prompt', 'completion', 'params', 'returns', 'logs', 'screenshot', 'details', 'end_state_reason']) if (full && k in full) out[k] = full[k];
  return out;
};

const safeUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null);

/** One session: its properties, totals, a waterfall of its events, and the event clicked. */
export function SessionPage({ id, onAuthError, project }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  // The event shown is part of the URL (?event=<id>): a link to it opens the same view.
  const [selected, setSelectedState] = useState(() => new URLSearchParams(location.search).get('event'));
  // A search from the list (?q=): its matching events are marked in the timeline.
  const search = new URLSearchParams(location.search).get('q') ?? '';
  const [matches, setMatches] = useState(() => new Set());
  useEffect(() => {
    if (!search) return;
    api(`/v2/sessions/${encodeURIComponent(id)}/search${query({ q: search })}`).then((r) => setMatches(new Set(r.event_ids)), () => {});
  }, [id, search]);
  const setSelected = (eventId) => {
    setSelectedState(eventId);
    history.replaceState(null, '', `${location.pathname}${query({ event: eventId, q: search })}`);
  };

  useEffect(() => {
    let live = true;
    let timer;
    const load = () =>
      // The timeline is the events without their bodies; an event's body is loaded when it is opened.
      api(`/v2/sessions/${encodeURIComponent(id)}/export?fields=summary`).then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(null);
          if (!d.session.end_state) timer = setTimeout(load, 3000);
        },
        (e) => live && (e.constructor.name === 'AuthError' ? onAuthError(e) : setError(e.message)),
      );
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);

  const events = useMemo(() => {
    if (!data) return [];
    const names = new Map((data.agents ?? []).map((a) => [a.id, a.name]));
    const all = [...data.llms, ...data.actions, ...data.tools, ...data.errors]
      .sort((a, b) => Date.parse(a.init_timestamp) - Date.parse(b.init_timestamp))
      .map((e) => (e.agent_id && names.has(e.agent_id) ? { ...e, agent_name: names.get(e.agent_id) } : e));
    return withDepth(all);
  }, [data]);
  const agents = useMemo(() => (data ? agentTotals(data.agents, events) : []), [data, events]);
  const [bodies, setBodies] = useState(() => new Map());
  useEffect(() => {
    if (!selected || bodies.has(selected)) return;
    let live = true;
    api(`/v2/sessions/${encodeURIComponent(id)}/events/${encodeURIComponent(selected)}`).then(
      (full) => live && setBodies((m) => new Map(m).set(selected, full)),
      (e) => live && setBodies((m) => new Map(m).set(selected, { error: e.message })),
    );
    return () => {
      live = false;
    };
  }, [id, selected]);
  const byId = useMemo(() => new Map(events.map((e) => [e.id, e])), [events]);

  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p class="muted">Loading…</p>`;
  const { session: s, stats } = data;
  const video = safeUrl(s.video);
  return html`<section class="session">
    <h2>Session <span class="mono">${s.session_id}</span> <${StateBadge} state=${s.end_state} /> <${ErrorBadge} errors=${stats.errors} /></h2>
    <div class="props">
      <${Field} name="Project">${project?.id === s.project_id ? html`${project.name} <span class="muted mono">${s.project_id}</span>` : s.project_id}<//>
      <${Field} name="Started">${time(s.init_timestamp)}<//>
      <${Field} name="Ended">${time(s.end_timestamp)}<//>
      <${Field} name="End state reason">${s.end_state_reason ?? '—'}<//>
      <${Field} name="Tags"><${Tags} tags=${s.tags} /><//>
      ${video ? html`<${Field} name="Video"><a href=${video} target="_blank" rel="noopener noreferrer">${video}</a><//>` : null}
    </div>
    <div class="cards">
      <div class="card"><div class="card-label">Cost</div><div class="card-value" data-total="cost">${cost(stats.cost, stats.unpriced_llm_calls)}</div></div>
      <div class="card"><div class="card-label">Tokens</div><div class="card-value">${int(stats.total_tokens)}</div>
        <div class="card-sub">${int(stats.prompt_tokens)} in · ${int(stats.completion_tokens)} out · ${int(stats.cache_read_tokens)} cache · ${int(stats.reasoning_tokens)} reasoning</div></div>
      <div class="card"><div class="card-label">Events</div><div class="card-value">${int(stats.events)}</div>
        <div class="card-sub">${int(stats.event_counts.llms)} LLM · ${int(stats.event_counts.tools)} tool · ${int(stats.event_counts.actions)} action · ${int(stats.event_counts.errors)} error</div></div>
      <div class="card"><div class="card-label">Duration</div><div class="card-value">${duration(stats.duration_ms)}</div></div>
    </div>
    ${agents.length ? html`<${AgentsPanel} rows=${agents} />` : null}
    <div class="split">
      <div class="pane"><h3>Timeline</h3>
        ${search ? html`<p class="search-note" data-matches=${matches.size}>${matches.size} event${matches.size === 1 ? '' : 's'} match “${search}”</p>` : null}
        <${Waterfall} session=${s} events=${events} selected=${selected} onSelect=${setSelected} matches=${matches} /></div>
      <div class="pane">${selected && byId.has(selected) && !bodies.has(selected)
        ? html`<p class="muted" data-loading=${selected}>Loading the event…</p>`
        : bodies.get(selected)?.error
          ? html`<p class="error">${bodies.get(selected).error}</p>`
          : html`<${EventDetails} event=${selected && byId.has(selected) ? { ...bodies.get(selected), ...byId.get(selected), ...pick(bodies.get(selected)) } : undefined} byId=${byId} />`}</div>
    </div>
    <details class="host"><summary>Host environment</summary><${Json} value=${s.host_env} open=${false} /></details>
  </section>`;
}

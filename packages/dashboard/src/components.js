// Small shared components. Every text that came from an app is passed as a child, which Preact escapes;
// nothing here renders HTML from data.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

export function StateBadge({ state }) {
  const s = state ?? 'Running';
  return html`<span class=${`badge state-${s.toLowerCase()}`}>${s}</span>`;
}

/** An error count next to an end state: a session that holds error events never looks clean. */
export function ErrorBadge({ errors }) {
  if (!errors) return null;
  return html`<span class="badge badge-errors" data-errors=${errors} title="Error events in this session">${errors} error${errors === 1 ? '' : 's'}</span>`;
}

/** The first 8 characters of an id, the whole id copied on click (without opening the row). */
export function ShortId({ id }) {
  const [copied, setCopied] = useState(false);
  const copy = (e) => {
    e.stopPropagation();
    navigator.clipboard?.writeText(id).then(() => setCopied(true), () => {});
    setTimeout(() => setCopied(false), 1200);
  };
  return html`<span class="short-id mono" title=${id}>${id.slice(0, 8)}<button class="copy" data-copy=${id} title="Copy the session id" onClick=${copy}>${copied ? '✓' : '⧉'}</button></span>`;
}

/** A value that may be JSON text (tool results often are): shown as JSON when it parses, else as text. */
export function JsonOrText({ value }) {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return html`<${Json} value=${JSON.parse(t)} />`;
      } catch {
        // not JSON after all
      }
    }
    return html`<pre class="text-value">${value}</pre>`;
  }
  return html`<${Json} value=${value} />`;
}

export function Tags({ tags }) {
  return html`<span class="tags">${(tags ?? []).map((t) => html`<span class="tag">${t}</span>`)}</span>`;
}

/** Deeper than this, a value is shown as (cut) JSON text: no data can make the page recurse without end. */
const MAX_JSON_DEPTH = 24;

function shortJson(value) {
  try {
    const text = JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '[too deep to show]';
  }
}

/**
 * Collapsible JSON: objects and arrays fold, everything is text. Children are rendered only when opened, and
 * below {@link MAX_JSON_DEPTH} levels the rest is a line of JSON text.
 */
export function Json({ value, name, open = true, depth = 0 }) {
  const [isOpen, setOpen] = useState(open && depth < 2);
  if (value === null || value === undefined) return html`<span class="json-null">${name ? `${name}: ` : ''}null</span>`;
  if (typeof value !== 'object') {
    return html`<div class="json-leaf">${name !== undefined ? html`<span class="json-key">${name}: </span>` : null}<span class=${`json-${typeof value}`}>${typeof value === 'string' ? JSON.stringify(value) : String(value)}</span></div>`;
  }
  const key = name !== undefined ? html`<span class="json-key">${name}: </span>` : null;
  if (depth >= MAX_JSON_DEPTH) return html`<div class="json-leaf json-deep">${key}<span class="json-string">${shortJson(value)}</span></div>`;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const label = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return html`<details class="json" open=${isOpen} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>${key}<span class="json-type">${label}</span></summary>
    ${isOpen ? html`<div class="json-children">${entries.map(([k, v]) => html`<${Json} value=${v} name=${k} depth=${depth + 1} open=${open} />`)}</div>` : null}
  </details>`;
}

// Small shared components. Every text that came from an app is passed as a child, which Preact escapes;
// nothing here renders HTML from data.
import { html } from 'htm/preact';

export function StateBadge({ state }) {
  const s = state ?? 'Running';
  return html`<span class=${`badge state-${s.toLowerCase()}`}>${s}</span>`;
}

export function Tags({ tags }) {
  return html`<span class="tags">${(tags ?? []).map((t) => html`<span class="tag">${t}</span>`)}</span>`;
}

/** Collapsible JSON: objects and arrays fold, everything is text. */
export function Json({ value, name, open = true, depth = 0 }) {
  if (value === null || value === undefined) return html`<span class="json-null">${name ? `${name}: ` : ''}null</span>`;
  if (typeof value !== 'object') {
    return html`<div class="json-leaf">${name !== undefined ? html`<span class="json-key">${name}: </span>` : null}<span class=${`json-${typeof value}`}>${typeof value === 'string' ? JSON.stringify(value) : String(value)}</span></div>`;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const label = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return html`<details class="json" open=${open && depth < 2}>
    <summary>${name !== undefined ? html`<span class="json-key">${name}: </span>` : null}<span class="json-type">${label}</span></summary>
    <div class="json-children">${entries.map(([k, v]) => html`<${Json} value=${v} name=${k} depth=${depth + 1} open=${open} />`)}</div>
  </details>`;
}

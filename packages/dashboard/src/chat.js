// Renders LLM messages as a chat: the GenAI convention's {role, parts} and the providers' own
// {role, content} shapes, tool calls and tool results included. Text only, escaped by Preact.
import { html } from 'htm/preact';
import { Json } from './components.js';

function parts(message) {
  if (Array.isArray(message.parts)) return message.parts;
  const c = message.content;
  if (typeof c === 'string') return [{ type: 'text', content: c }];
  if (Array.isArray(c)) {
    return c.map((p) =>
      typeof p?.text === 'string'
        ? { type: 'text', content: p.text }
        : p?.type === 'tool_use'
          ? { type: 'tool_call', id: p.id, name: p.name, arguments: p.input }
          : p?.type === 'tool_result'
            ? { type: 'tool_call_response', id: p.tool_use_id, response: p.content }
            : p,
    );
  }
  const out = [];
  for (const tc of message.tool_calls ?? []) out.push({ type: 'tool_call', id: tc.id, name: tc.function?.name, arguments: tc.function?.arguments });
  return out;
}

function Part({ part }) {
  if (part?.type === 'text' || part?.type === 'reasoning' || part?.type === 'refusal') {
    return html`<div class=${`part part-${part.type}`}>${part.type !== 'text' ? html`<span class="part-label">${part.type}</span>` : null}${String(part.content ?? '')}</div>`;
  }
  if (part?.type === 'tool_call') {
    return html`<div class="part part-tool"><span class="part-label">tool call</span> <b>${String(part.name ?? '')}</b> <span class="muted">${String(part.id ?? '')}</span><${Json} value=${part.arguments} /></div>`;
  }
  if (part?.type === 'tool_call_response') {
    return html`<div class="part part-tool"><span class="part-label">tool result</span> <span class="muted">${String(part.id ?? '')}</span><${Json} value=${part.response} /></div>`;
  }
  return html`<div class="part"><${Json} value=${part} /></div>`;
}

export function Chat({ messages }) {
  if (messages === null || messages === undefined) return html`<p class="muted">not recorded</p>`;
  const list = Array.isArray(messages) ? messages : [typeof messages === 'object' ? messages : { role: 'text', content: String(messages) }];
  return html`<div class="chat">
    ${list.map((m) => {
      const role = typeof m === 'object' && m ? String(m.role ?? 'message') : 'text';
      const ps = typeof m === 'object' && m ? parts(m) : [{ type: 'text', content: String(m) }];
      return html`<div class=${`bubble role-${role.replace(/[^a-z]/g, '')}`}>
        <div class="role">${role}${m?.finish_reason ? html` <span class="muted">· ${String(m.finish_reason)}</span>` : null}</div>
        ${ps.map((p) => html`<${Part} part=${p} />`)}
      </div>`;
    })}
  </div>`;
}

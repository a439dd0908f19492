// The dashboard's calls to the server. Every request carries the project API key the user signed in with,
// so a user sees only that project's data.
const KEY = 'agentops.apiKey';

export class AuthError extends Error {}

export const apiKey = {
  get: () => localStorage.getItem(KEY),
  set: (k) => localStorage.setItem(KEY, k),
  clear: () => localStorage.removeItem(KEY),
};

/** `pnpm start` prints a link ending in #key=…: sign in with it, and take it out of the address bar. */
export function takeKeyFromLocation() {
  const m = /^#key=([0-9a-fA-F-]{36})$/.exec(location.hash);
  if (m) {
    apiKey.set(m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
}

export async function api(path, key = apiKey.get()) {
  const res = await fetch(path, { headers: { 'X-Agentops-Api-Key': key ?? '' } });
  let body;
  try {
    body = await res.json();
  } catch {
    body = { message: `HTTP ${res.status}` };
  }
  if (res.status === 401 || (res.status === 400 && /API key/.test(body.message ?? ''))) throw new AuthError(body.message);
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

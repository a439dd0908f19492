// Formatting helpers: numbers, money, durations, times.
export const usd = (v) => `$${Number(v ?? 0).toFixed(6)}`;
/** A total whose LLM calls may not all have a price: unknown is not free. */
export function cost(v, unpriced) {
  if (!unpriced) return usd(v);
  const calls = `${unpriced} call${unpriced === 1 ? '' : 's'} of unknown price`;
  return Number(v ?? 0) > 0 ? `${usd(v)} + ${calls}` : `unknown (${calls})`;
}
export const int = (v) => (v === null || v === undefined ? '—' : Number(v).toLocaleString('en-US'));
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
export const ms = (a, b) => (a && b ? Date.parse(b) - Date.parse(a) : null);
/** The app a session came from: the project name its host env reports (SDK), or its OTel service name. */
export function appName(hostEnv) {
  const h = hostEnv ?? {};
  const v = h.Project?.Name ?? h['service.name'] ?? h.Service?.Name ?? h.service?.name;
  return typeof v === 'string' ? v : '';
}

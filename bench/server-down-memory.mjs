// RSS while 200k events are recorded with the server down: memory must stay bounded and every drop counted.
import { createServer } from 'node:net';
import * as agentops from '@agentops/otel';
import { gc, mb } from './lib.mjs';

const N = Number(process.argv[2] ?? 200_000);
// A port nobody listens on: take a free one and close it again.
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

let warnings = 0;
process.stderr.write = (chunk) => {
  if (String(chunk).includes('dropped')) warnings++;
  return true; // counted, not shown: the benchmark prints one JSON line
};

gc();
const before = process.memoryUsage().rss;
const session = agentops.init({
  exporter: new agentops.AgentOpsExporter({ endpoint: `http://127.0.0.1:${port}`, apiKey: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', retryWindowMs: 2000 }),
  logLevel: 'warn',
});
let peak = before;
for (let i = 0; i < N; i++) {
  session.record(new agentops.ActionEvent({ actionType: 'step', params: { i, query: 'weather in Paris' }, returns: ['sunny', 'warm'] }));
  if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
await session.endSession('Success');
await agentops.flush();
gc();
const after = process.memoryUsage().rss;
peak = Math.max(peak, after);
console.log(
  JSON.stringify({
    events: N,
    rssBeforeMb: mb(before),
    rssPeakMb: mb(peak),
    rssAfterMb: mb(after),
    addedPeakMb: mb(peak - before),
    dropped: agentops.getDroppedEventCount(),
    offered: N + 1,
    warnings,
  }),
);
process.exit(0);

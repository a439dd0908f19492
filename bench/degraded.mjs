// record() and instrumented LLM calls while the server is healthy, slow (3 s per answer), flapping (down and up
// every second) or answering 500 for a while; then endSession()'s time, memory, drops, and the stats after
// recovery. Run: node --expose-gc bench/degraded.mjs healthy|slow|flapping|errors500
import { createRequire } from 'node:module';
import * as agentops from '@agentops/otel';
import { startFaultProxy } from '@agentops/fake-llm';
import { gc, inMemoryFetch, mb, nsPerOp } from './lib.mjs';
import { spawnServer } from './server-process.mjs';

const mode = process.argv[2] ?? 'healthy';
const MAX_WAIT = 200;
const server = await spawnServer();
const proxy = await startFaultProxy(server.url);
let flapper;
const faultUntil = Date.now() + 4000; // the fault lasts 4 s of the ~6 s run
if (mode === 'slow') proxy.set('slow', { delayMs: 3000 });
if (mode === 'errors500') proxy.set('status', { status: 500 });
if (mode === 'flapping') {
  let up = true;
  flapper = setInterval(async () => {
    up = !up;
    await (up ? proxy.up() : proxy.down());
  }, 1000);
}

// The fault ends by itself after 4 s; recording goes on a little longer.
setTimeout(async () => {
  clearInterval(flapper);
  if (mode === 'flapping') await proxy.up().catch(() => {});
  proxy.set('pass');
}, 4000);

gc();
const rssStart = process.memoryUsage().rss;
const heapStart = process.memoryUsage().heapUsed;
let rssPeak = rssStart;
const session = agentops.init({
  exporter: new agentops.AgentOpsExporter({ endpoint: proxy.url, apiKey: server.apiKey }),
  logLevel: 'error',
  maxWaitTime: MAX_WAIT,
  maxQueueSize: 20_000,
});
const OpenAI = createRequire(import.meta.url)('openai');
const client = new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch, maxRetries: 0 });

// 100,000 record() calls in chunks of 1,000, 20,000 a second, the event loop running in between as in an app;
// only the calls are timed.
let recorded = 0;
let recordTime = 0;
for (let chunk = 0; chunk < 100; chunk++) {
  const t = performance.now();
  for (let i = 0; i < 1000; i++) {
    recorded++;
    session.record(new agentops.ActionEvent({ actionType: 'step', params: { i, q: 'weather in Paris' } }));
  }
  recordTime += performance.now() - t;
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, 50)); // 20,000 events per second
}
const recordNs = (recordTime * 1e6) / recorded;
const llmNs = await nsPerOp(async () => {
  recorded++;
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
}, { iterations: 500, rounds: 5, warmup: 200 });
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

const t0 = performance.now();
await session.endSession('Success');
const endSessionMs = performance.now() - t0;

// Recovery: the server answers normally again; everything still pending goes out.
await new Promise((r) => setTimeout(r, Math.max(0, faultUntil - Date.now())));
clearInterval(flapper);
if (mode === 'flapping') await proxy.up().catch(() => {});
proxy.set('pass');
for (let i = 0; i < 40; i++) {
  await agentops.flush();
  const { body } = await fetch(`${server.url}/v2/sessions/${session.id}/stats`, { headers: { 'x-agentops-api-key': server.apiKey } }).then(async (r) => ({ body: await r.json() }));
  if ((body.events ?? 0) + agentops.getDroppedEventCount() >= recorded) break;
  await new Promise((r) => setTimeout(r, 500));
}
const stats = await (await fetch(`${server.url}/v2/sessions/${session.id}/stats`, { headers: { 'x-agentops-api-key': server.apiKey } })).json();
const dropped = agentops.getDroppedEventCount();
const onServer = stats.events ?? 0;
gc();
const rssAfterGc = process.memoryUsage().rss;
const heapAfterGc = process.memoryUsage().heapUsed;
const sessionSpanDropped = (stats.end_state ?? null) === null ? 1 : 0;
console.log(
  JSON.stringify({
    mode,
    recordNs: Math.round(recordNs),
    llmUs: Math.round(llmNs / 100) / 10,
    endSessionMs: Math.round(endSessionMs),
    endSessionBoundMs: MAX_WAIT + 5000,
    rssPeakAddedMb: mb(rssPeak - rssStart),
    rssAfterGcAddedMb: mb(rssAfterGc - rssStart),
    heapAfterGcAddedMb: mb(heapAfterGc - heapStart),
    recorded,
    onServer,
    dropped,
    consistent: onServer + dropped - sessionSpanDropped === recorded,
  }),
);
server.stop();
await proxy.close();
process.exit(0);

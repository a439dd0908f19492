// Soak: an app records 5,000 events a second for SECONDS (default 120) against a server in another process;
// the app's and the server's memory are sampled every 10 s. Flat lines mean nothing accumulates.
import { readFileSync } from 'node:fs';
import * as agentops from '@agentops/otel';
import { gc, mb } from './lib.mjs';
import { spawnServer } from './server-process.mjs';

const SECONDS = Number(process.argv[2] ?? 120);
const server = await spawnServer();
const serverRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;
agentops.init({ apiKey: server.apiKey, endpoint: server.url, autoStartSession: false, logLevel: 'error', maxWaitTime: 500 });
const samples = [];
const start = Date.now();
let recorded = 0;
let session = agentops.startSession({ tags: ['soak'] });
while (Date.now() - start < SECONDS * 1000) {
  for (let i = 0; i < 500; i++) {
    session.record(new agentops.ActionEvent({ actionType: 'step', params: { i, q: 'weather in Paris' } }));
    recorded++;
  }
  if (recorded % 50_000 === 0) {
    await session.endSession('Success'); // a new session now and then, as a long-running service would
    session = agentops.startSession({ tags: ['soak'] });
  }
  if (recorded % 50_000 === 0 || samples.length === 0) {
    gc();
    samples.push({ t: Math.round((Date.now() - start) / 1000), appMb: mb(process.memoryUsage().rss), heapMb: mb(process.memoryUsage().heapUsed), serverMb: mb(serverRss()) });
  }
  await new Promise((r) => setTimeout(r, 100));
}
await session.endSession('Success');
gc();
samples.push({ t: Math.round((Date.now() - start) / 1000), appMb: mb(process.memoryUsage().rss), heapMb: mb(process.memoryUsage().heapUsed), serverMb: mb(serverRss()) });
console.log(JSON.stringify({ seconds: SECONDS, recorded, dropped: agentops.getDroppedEventCount(), samples }));
server.stop();
process.exit(0);

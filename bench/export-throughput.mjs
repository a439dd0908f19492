// Events per second from record() to acknowledged by a real server in another process.
import * as agentops from '@agentops/otel';
import { spawnServer } from './server-process.mjs';

const N = Number(process.argv[2] ?? 50_000);
const server = await spawnServer();
try {
  const session = agentops.init({ apiKey: server.apiKey, endpoint: server.url, logLevel: 'error', maxQueueSize: N + 10, maxWaitTime: 200 });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    session.record(new agentops.ActionEvent({ actionType: 'step', params: { i, query: 'weather in Paris' }, returns: ['sunny', 'warm'] }));
  }
  const tRecorded = performance.now();
  await session.endSession('Success');
  const t1 = performance.now();
  const stats = await server.stats(session.id);
  if (stats.event_counts.actions !== N) throw new Error(`server has ${stats.event_counts.actions} of ${N} events`);
  console.log(
    JSON.stringify({
      events: N,
      recordMs: Math.round(tRecorded - t0),
      totalMs: Math.round(t1 - t0),
      eventsPerSecond: Math.round(N / ((t1 - t0) / 1000)),
      dropped: agentops.getDroppedEventCount(),
    }),
  );
} finally {
  server.stop();
}
process.exit(0);

// Events per second from record() to acknowledged by a real server in another process.
// `node bench/export-throughput.mjs N agentops|otlp-proto`: the same session and the same N action events, made by
// the same record() calls; "agentops" ships them with our exporter (REST create_events), "otlp-proto" with
// OpenTelemetry's own `@opentelemetry/exporter-trace-otlp-proto` to the server's `/v1/traces`, batched the same way
// (a BatchSpanProcessor with our batch size and delay), in a tracer provider the app registered (AgentOps then makes
// its spans there and sends nothing itself: no API key).
import * as agentops from '@agentops/otel';
import { spawnServer } from './server-process.mjs';

const N = Number(process.argv[2] ?? 50_000);
const variant = process.argv[3] ?? 'agentops';
const BATCH = 512;
const DELAY_MS = 200;
const server = await spawnServer();
try {
  let flush = async () => {};
  let session;
  if (variant === 'otlp-proto') {
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    // forceFlush hands every queued batch to the exporter at once: allow them all (its default is 30).
    const exporter = new OTLPTraceExporter({ url: `${server.url}/v1/traces`, headers: { 'x-agentops-api-key': server.apiKey }, concurrencyLimit: Math.ceil(N / BATCH) + 2 });
    const provider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: N + 10, maxExportBatchSize: BATCH, scheduledDelayMillis: DELAY_MS })],
    });
    provider.register();
    session = agentops.init({ apiKey: '', logLevel: 'error', maxQueueSize: N + 10, maxWaitTime: DELAY_MS });
    flush = () => provider.forceFlush();
  } else {
    session = agentops.init({ apiKey: server.apiKey, endpoint: server.url, logLevel: 'error', maxQueueSize: N + 10, maxWaitTime: DELAY_MS });
  }
  const metricsBefore = (await server.metrics()).ingest_time;
  const serverCpu0 = server.cpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    session.record(new agentops.ActionEvent({ actionType: 'step', params: { i, query: 'weather in Paris' }, returns: ['sunny', 'warm'] }));
  }
  const tRecorded = performance.now();
  await session.endSession('Success');
  await flush();
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const serverCpuMs = server.cpuMs() - serverCpu0;
  const metricsAfter = (await server.metrics()).ingest_time;
  const phases = Object.fromEntries(Object.keys(metricsAfter.phases).map((k) => [k, Math.round(metricsAfter.phases[k] - metricsBefore.phases[k])]));
  const stats = await server.stats(session.id);
  if (stats.event_counts?.actions !== N) throw new Error(`${variant}: the server has ${stats.event_counts?.actions} of ${N} events`);
  console.log(
    JSON.stringify({
      variant,
      events: N,
      recordMs: Math.round(tRecorded - t0),
      totalMs: Math.round(t1 - t0),
      eventsPerSecond: Math.round(N / ((t1 - t0) / 1000)),
      dropped: agentops.getDroppedEventCount(),
      // Where the time goes: the app's CPU after its record() loop (the exporter's conversion, serialisation and HTTP
      // client), the server's CPU, and the server's ingest requests by phase (wall time, summed).
      appExportCpuMs: Math.round((cpu.user + cpu.system) / 1000 - (tRecorded - t0)),
      serverCpuMs: Math.round(serverCpuMs),
      ingestRequests: metricsAfter.requests - metricsBefore.requests,
      serverPhasesMs: phases,
    }),
  );
} finally {
  server.stop();
}
process.exit(0);

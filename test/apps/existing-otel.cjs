// An app's own OpenTelemetry NodeSDK, started before its libraries are loaded, with its own exporter; AgentOps'
// span processor and instrumentations are added to it, and an AgentOps session wraps the run.
const path = require('node:path');
const { createRequire } = require('node:module');
const appRequire = createRequire(path.join(process.cwd(), 'app.cjs'));
const { NodeSDK } = appRequire('@opentelemetry/sdk-node');
const { SimpleSpanProcessor, InMemorySpanExporter } = appRequire('@opentelemetry/sdk-trace-base');
const agentops = appRequire('@agentops/otel');

const appExporter = new InMemorySpanExporter();
const sdk = new NodeSDK({
  serviceName: 'framework-app',
  spanProcessors: [new SimpleSpanProcessor(appExporter), new agentops.AgentOpsSpanProcessor()],
  instrumentations: [agentops.getAgentOpsInstrumentations()],
});
sdk.start();
const session = agentops.init({ autoStartSession: true, tags: ['existing-otel'] });
process.stderr.write(`existing-otel session ${session.id}\n`);
// What the app's own exporter got (stdout is a pipe: written synchronously, even at exit).
process.on('exit', () => process.stdout.write(`APP_SPANS ${appExporter.getFinishedSpans().length}\n`));

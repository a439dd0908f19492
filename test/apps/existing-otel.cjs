// An app's own OpenTelemetry set-up, made before its libraries are loaded: its tracer provider with its own
// processor, AgentOps' span processor and instrumentations added to it, and an AgentOps session around the run.
const path = require('node:path');
const { createRequire } = require('node:module');
const appRequire = createRequire(path.join(process.cwd(), 'app.cjs'));
const { NodeTracerProvider } = appRequire('@opentelemetry/sdk-trace-node');
const { SimpleSpanProcessor, InMemorySpanExporter } = appRequire('@opentelemetry/sdk-trace-base');
const { registerInstrumentations } = appRequire('@opentelemetry/instrumentation');
const agentops = appRequire('@agentops/otel');

const appExporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter), new agentops.AgentOpsSpanProcessor()] });
provider.register();
registerInstrumentations({ instrumentations: [agentops.getAgentOpsInstrumentations()] });
const session = agentops.init({ autoStartSession: true, tags: ['existing-otel'] });
process.stderr.write(`existing-otel session ${session.id}\n`);
// What the app's own exporter got (stdout is a pipe: written synchronously, even at exit).
process.on('exit', () => process.stdout.write(`APP_SPANS ${appExporter.getFinishedSpans().length}\n`));

// Two processes, each with the app's own NodeSDK, one session: the child joins it (the parent passes the session
// on), and the app's backend receives both processes' spans as one trace with no orphan.
// Destructured before init(): the async forms are followed however they were imported.
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const agentops = require('@agentops/otel');
const { AppFileExporter } = require('./app-exporter.cjs');

const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(new AppFileExporter()), new agentops.AgentOpsSpanProcessor()] });
sdk.start();
(async () => {
  const session = agentops.init({ tags: ['two-backends'] });
  session.record(new agentops.ActionEvent({ actionType: 'parent' }));
  const child = await promisify(execFile)(process.execPath, ['--require', './setup-plain.cjs', 'zero-code.cjs']);
  process.stdout.write(child.stdout);
  console.log(`session: ${session.id}`);
  await session.endSession('Success');
  await sdk.shutdown();
})();

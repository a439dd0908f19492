// ESM app's OpenTelemetry setup, run with `node --import ./setup-existing.mjs zero-code.mjs`: no loader hook
// registered by the app itself.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as agentops from '@agentops/otel';
import exporter from './app-exporter.cjs';

const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor(new exporter.AppFileExporter()), new agentops.AgentOpsSpanProcessor()],
  instrumentations: [agentops.getAgentOpsInstrumentations()],
});
sdk.start();
agentops.init({ tags: ['existing-esm'] });

// The app's OpenTelemetry setup, loaded before the app with `node --import ./setup.mjs index.mjs`. The app's
// own exporter stays; AgentOps adds its processor and instrumentations. getAgentOpsInstrumentations() registers
// the ES module loader hook the instrumentations need, so nothing else is to be added.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as agentops from '@agentops/otel';

/** The app's own exporter (a stand-in for Jaeger, Honeycomb...): it collects span names. */
class AppExporter {
  names = [];
  export(spans, done) {
    this.names.push(...spans.map((s) => s.name));
    done({ code: 0 });
  }
  async shutdown() {}
}

export const appExporter = new AppExporter();
export const sdk = new NodeSDK({
  serviceName: 'existing-otel-esm-example',
  spanProcessors: [new SimpleSpanProcessor(appExporter), new agentops.AgentOpsSpanProcessor()],
  instrumentations: [agentops.getAgentOpsInstrumentations()],
});
sdk.start();

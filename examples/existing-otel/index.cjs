// An app that already runs the OpenTelemetry NodeSDK with its own exporter adds AgentOps in two lines:
// AgentOpsSpanProcessor among its span processors, getAgentOpsInstrumentations() among its instrumentations.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const agentops = require('@agentops/otel');

/** The app's own exporter (a stand-in for Jaeger, Honeycomb...): it collects span names. */
class AppExporter {
  names = [];
  export(spans, done) {
    this.names.push(...spans.map((s) => s.name));
    done({ code: 0 });
  }
  async shutdown() {}
}

const appExporter = new AppExporter();
const sdk = new NodeSDK({
  serviceName: 'existing-otel-example',
  spanProcessors: [new SimpleSpanProcessor(appExporter), new agentops.AgentOpsSpanProcessor()],
  instrumentations: [agentops.getAgentOpsInstrumentations()],
});
sdk.start();

const OpenAI = require('openai');
const { startFakeLlm } = require('@agentops/fake-llm');

(async () => {
  const session = agentops.init({ tags: ['existing-otel'] });
  const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
  const client = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
  console.log(`Agent: ${res.choices[0].message.content}`);
  console.log(`AgentOps session ${session.id}: ${JSON.stringify(session.getAnalytics())}`);
  await session.endSession('Success');
  await sdk.shutdown();
  console.log(`The app's own exporter saw: ${appExporter.names.join(', ')}`);
  await fake?.close();
})();

// CommonJS app with its own NodeSDK: AgentOpsSpanProcessor beside its exporter, getAgentOpsInstrumentations().
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const agentops = require('@agentops/otel');
const { AppFileExporter } = require('./app-exporter.cjs');

const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor(new AppFileExporter()), new agentops.AgentOpsSpanProcessor()],
  instrumentations: [agentops.getAgentOpsInstrumentations()],
});
sdk.start();
const OpenAI = require('openai');

(async () => {
  const session = agentops.init({ tags: ['existing-cjs'] });
  const res = await new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  console.log(`answer: ${res.choices[0].message.content}`);
  await session.endSession('Success');
  await sdk.shutdown();
})();

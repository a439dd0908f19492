// An app's own NodeSDK that knows nothing of AgentOps (CommonJS), next to the AgentOps preload.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { AppFileExporter } = require('./app-exporter.cjs');

new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(new AppFileExporter())] }).start();

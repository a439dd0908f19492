// An app's own NodeSDK that knows nothing of AgentOps (ESM), next to the AgentOps preload.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import exporter from './app-exporter.cjs';

new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(new exporter.AppFileExporter())] }).start();

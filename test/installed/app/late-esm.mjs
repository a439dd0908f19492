// The mistake the warning is for: the SDK is started in the main module, after openai was imported.
import OpenAI from 'openai';
import { NodeSDK } from '@opentelemetry/sdk-node';
import * as agentops from '@agentops/otel';

const sdk = new NodeSDK({ spanProcessors: [new agentops.AgentOpsSpanProcessor()], instrumentations: [agentops.getAgentOpsInstrumentations()] });
sdk.start();
console.log(typeof OpenAI);
await sdk.shutdown();

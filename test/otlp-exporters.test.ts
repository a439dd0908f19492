import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceIdToUuid } from '@agentops/model';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Spans an app with some other GenAI instrumentation would send: a session-less trace with two LLM calls. */
async function sendWith(exporter: SpanExporter, oldNames: boolean) {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('some-genai-instrumentation');
  const root = tracer.startSpan('agent run', { root: true }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  for (const model of ['gpt-4o-mini', 'gpt-4o']) {
    const span = tracer.startSpan(
      `chat ${model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: oldNames
          ? { 'gen_ai.system': 'openai', 'gen_ai.request.model': model, 'gen_ai.usage.prompt_tokens': 500, 'gen_ai.usage.completion_tokens': 50 }
          : {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': model,
              'gen_ai.usage.input_tokens': 500,
              'gen_ai.usage.output_tokens': 50,
              'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]),
            },
      },
      ctx,
    );
    span.end();
  }
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceIdToUuid(root.spanContext().traceId);
}

describe('spans from the official OTLP exporters become sessions and LLM events', () => {
  it.each([
    ['OTLP/HTTP JSON, current GenAI names', () => new OtlpHttpJson({ url: `${server.url}/v1/traces`, headers: { 'x-agentops-api-key': server.apiKey } }), false],
    ['OTLP/HTTP protobuf, older GenAI names', () => new OtlpProto({ url: `${server.url}/v1/traces`, headers: { 'x-agentops-api-key': server.apiKey } }), true],
    ['OTLP/HTTP protobuf, gzip', () => new OtlpProto({ url: `${server.url}/v1/traces`, headers: { 'x-agentops-api-key': server.apiKey }, compression: 'gzip' as never }), false],
  ])('%s', async (_name, make, oldNames) => {
    const sessionId = await sendWith(make(), oldNames);
    const stats = await server.stats(sessionId);
    expect(stats.event_counts).toEqual({ llms: 2, actions: 0, tools: 0, errors: 0 });
    expect(stats.prompt_tokens).toBe(1000);
    expect(stats.completion_tokens).toBe(100);
    expect(Number(stats.cost)).toBeGreaterThan(0);
    const exp = await server.export(sessionId);
    expect(exp.llms.map((e: { model: string }) => e.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    if (!oldNames) expect(exp.llms[0].prompt).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]);
  });
});

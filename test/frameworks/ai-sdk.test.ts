import path from 'node:path';
import { FAKE_ANSWER, type FakeRequest } from '@agentops/fake-llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPS, MODES, runScenario, eventFor, eventsOf, expectedFromWire, frameworkSuite, NODE24, resultOf, sessionIdOf } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are JSON */

const suite = frameworkSuite();

/** AI SDK 4, 5 and 6 on Node 20; 7 (which needs Node 22+, with @ai-sdk/otel) in the Node 24 run. */
const VERSIONS = NODE24 ? [7] : [4, 5, 6];
const SCENARIO = 'plain,stream,tools,anthropic-cached,openai-cached,disabled,embed';

const providerIdOf = (req: FakeRequest) => (req.path.endsWith('/messages') ? 'anthropic' : 'openai');
/**
 * AI SDK 5's generateText writes no cache count on its provider call span, and OpenAI's is only in the usage
 * it returns: that cache read is unknown to any reader of the spans (the input total is right; the price is
 * the uncached one).
 */
const cacheReadReported = (major: number, req: FakeRequest) => !(major === 5 && req.body.stream !== true && providerIdOf(req) === 'openai');

describe.each(VERSIONS)('ai %i', (major) => {
  describe.each(MODES)('$mode', ({ args, env }) => {
    let run: { code: number | null; stdout: string; stderr: string };
    let exp: Record<string, any>;
    let requests: FakeRequest[];
    /** The traced requests in the order the app made them, and the LLM event of each. */
    let traced: FakeRequest[];
    let calls: any[];
    beforeAll(async () => {
      ({ run, exp, requests } = await runScenario(suite, path.join(APPS, 'ai-sdk', `v${major}`), args, { SCENARIO, ...env }));
      traced = requests.filter((r) => !JSON.stringify(r.body).includes('not traced'));
      calls = traced.map((r) => eventFor(exp.llms, r));
    }, 60_000);

    it('one LLM event per model request, with the tokens the API answered and their price; nothing for isEnabled: false', () => {
      expect(run.code, run.stderr).toBe(0);
      expect(requests).toHaveLength(8);
      expect(traced).toHaveLength(7);
      expect(exp.llms).toHaveLength(7);
      calls.forEach((e, i) => {
        const want = expectedFromWire(traced[i], providerIdOf(traced[i]), e.model, { cacheReadReported: cacheReadReported(major, traced[i]) });
        expect(e).toMatchObject({ provider: providerIdOf(traced[i]), prompt_tokens: want.prompt_tokens, completion_tokens: want.completion_tokens });
        expect(e.cache_read_tokens ?? 0).toBe(want.cache_read_tokens);
        expect(e.cache_creation_tokens ?? 0).toBe(want.cache_creation_tokens);
        if (want.cost === undefined) expect(e.cost).toBeNull();
        else expect(e.cost).toBeCloseTo(want.cost, 12);
      });
      const gpt = 'gpt-4o-mini-2024-07-18';
      expect(calls.map((e) => e.model)).toEqual([
        gpt,
        gpt,
        gpt,
        gpt,
        'claude-3-5-haiku-20241022',
        gpt,
        'text-embedding-3-small',
      ]);
      expect(JSON.stringify(exp)).not.toContain('not traced');
    });

    it('session totals are the sum of the calls: wrapper and agent spans add no usage (no doubled totals)', () => {
      const wants = traced.map((r, i) => expectedFromWire(r, providerIdOf(r), calls[i].model, { cacheReadReported: cacheReadReported(major, r) }));
      expect(exp.stats.event_counts).toMatchObject({ llms: 7, tools: 1, errors: 0 });
      expect(exp.stats.prompt_tokens).toBe(wants.reduce((n, w) => n + (w.prompt_tokens ?? 0), 0));
      expect(exp.stats.completion_tokens).toBe(wants.reduce((n, w) => n + (w.completion_tokens ?? 0), 0));
      expect(Math.abs(Number(exp.stats.cost) - wants.reduce((n, w) => n + (w.cost ?? 0), 0))).toBeLessThanOrEqual(0.0000005 + 1e-12);
      // AI SDK 4's OpenAI stream does not ask for usage, so the API reports none: that call is unpriced, not free.
      expect(exp.stats.unpriced_llm_calls).toBe(wants.filter((w) => w.cost === undefined).length);
      expect(exp.stats.unpriced_llm_calls).toBe(major === 4 ? 1 : 0);
    });

    it('input tokens that already include cache tokens are not counted again (Anthropic and OpenAI cache reads)', () => {
      const result = resultOf(run.stdout);
      const anthropic = calls[4];
      // 21 uncached + 40 read + 20 written, as Anthropic's API reports them apart.
      expect(anthropic).toMatchObject({ prompt_tokens: 81, cache_read_tokens: 40, cache_creation_tokens: 20 });
      if (major >= 6) expect(result.anthropicCached.usage.inputTokens).toBe(81);
      const openaiCached = calls[5];
      if (major === 5) expect(openaiCached.cache_read_tokens).toBeNull();
      else expect(openaiCached.cache_read_tokens).toBe(Math.floor(openaiCached.prompt_tokens / 2));
      expect(openaiCached.prompt_tokens).toBe(result.openaiCached.usage.inputTokens ?? result.openaiCached.usage.promptTokens);
    });

    it('a tool call is a tool event beside the two model calls of its step, in the same call', () => {
      const { tools, actions } = eventsOf(exp);
      expect(tools).toHaveLength(1);
      expect(tools[0]).toMatchObject({ name: 'get_weather', params: { city: 'Paris' }, returns: { city: 'Paris', celsius: 21 } });
      const [first, second] = [calls[2], calls[3]];
      expect(first.finish_reasons).toEqual(['tool-calls']);
      if (major <= 6) {
        // The ai.generateText function is an action; its two provider calls and the tool call nest under it.
        expect(actions.map((a) => a.action_type)).toEqual(['ai.generateText', 'ai.streamText', 'ai.generateText', 'ai.generateText', 'ai.generateText', 'ai.embed']);
        const call = actions[2];
        expect([first.parent_span_id, second.parent_span_id, tools[0].parent_span_id]).toEqual([call.span_id, call.span_id, call.span_id]);
      } else {
        // 7: every call is an agent (`invoke_agent`); its model calls and tool calls belong to it.
        expect(actions).toHaveLength(0);
        expect(exp.agents.map((a: any) => a.id)).toContain(first.agent_id);
        expect([second.agent_id, tools[0].agent_id]).toEqual([first.agent_id, first.agent_id]);
        expect(new Set(calls.slice(0, 6).map((e) => e.agent_id)).size).toBe(5);
      }
    });

    if (args[0] === 'app.cjs') it("the app's own exporter still gets every span (AgentOps only joined its provider)", () => {
      const appSpans = Number(/APP_SPANS (\d+)/.exec(run.stdout)?.[1]);
      expect(appSpans).toBeGreaterThan(exp.llms.length + exp.tools.length);
    });

    it('prompts and completions are recorded (streamed text included), time to first token for the stream', () => {
      expect(JSON.stringify(calls[0].prompt)).toContain('Weather in Paris?');
      expect(JSON.stringify(calls[0].completion)).toContain(FAKE_ANSWER);
      expect(JSON.stringify(calls[1].completion)).toContain(FAKE_ANSWER);
      expect(JSON.stringify(calls[2].completion)).toContain('get_weather');
    });
  });
});

describe.each(VERSIONS)('ai %i: structured output and embeddings', (major) => {
  it('generateObject, streamObject and embedMany: one LLM event per request, exact tokens and price; the functions add no usage', async () => {
    const { run, exp, requests } = await runScenario(suite, path.join(APPS, 'ai-sdk', `v${major}`), ['--import', '@agentops/otel/register', 'app.mjs'], { SCENARIO: 'object,embed-many' });
    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run.stdout).object.object).toEqual({ city: 'Paris', sky: 'sunny', celsius: 21 });
    expect(requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings']);
    expect(exp.llms).toHaveLength(3);
    const calls = requests.map((r) => eventFor(exp.llms, r));
    const wants = requests.map((r, i) => expectedFromWire(r, 'openai', calls[i].model));
    calls.forEach((e, i) => {
      expect(e.prompt_tokens).toBe(wants[i].prompt_tokens);
      if (wants[i].cost === undefined) expect(e.cost).toBeNull();
      else expect(e.cost).toBeCloseTo(wants[i].cost!, 12);
    });
    expect(exp.stats.prompt_tokens).toBe(wants.reduce((n, w) => n + (w.prompt_tokens ?? 0), 0));
    if (major <= 6) expect(exp.actions.map((a: any) => a.action_type)).toEqual(['ai.generateObject', 'ai.streamObject', 'ai.embedMany']);
    expect(JSON.stringify(calls[0].completion)).toContain('sunny');
  });
});

describe.each(VERSIONS.slice(-1))('ai %i with content capture off', (major) => {
  it('the AI SDK records no prompt nor output (recordInputs / recordOutputs follow AGENTOPS_CAPTURE_CONTENT); tokens and cost stay', async () => {
    const r = await suite.run(path.join(APPS, 'ai-sdk', `v${major}`), ['--import', '@agentops/otel/register', 'app.mjs'], { SCENARIO: 'plain,tools', AGENTOPS_CAPTURE_CONTENT: 'false' });
    expect(r.code, r.stderr).toBe(0);
    const exp = await suite.server.export(sessionIdOf(r.stderr));
    const text = JSON.stringify(exp);
    expect(text).not.toContain('Weather in Paris');
    expect(text).not.toContain(FAKE_ANSWER);
    expect(exp.llms).toHaveLength(3);
    expect(exp.llms.every((e: any) => e.prompt === null && e.cost > 0)).toBe(true);
  });
});

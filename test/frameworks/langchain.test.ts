import path from 'node:path';
import type { FakeRequest } from '@agentops/fake-llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPS, MODES, runScenario, eventFor, eventsOf, expectedFromWire, frameworkSuite, NODE24, sessionIdOf } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are JSON */

const suite = frameworkSuite();

/** @langchain/core 0.3 and 1.x on Node 20 (@langchain/openai 1.5, the last for Node 20); the newest on Node 24. */
const VERSIONS = NODE24 ? ['latest'] : ['v0', 'v1'];
const SCENARIO = 'plain,explicit,stream,chain,anthropic-cached,agent,graph,retriever,tool-error';
const providerIdOf = (req: FakeRequest) => (req.path.endsWith('/messages') ? 'anthropic' : 'openai');

describe.each(VERSIONS)('@langchain/core %s', (version) => {
  describe.each(MODES)('$mode', ({ args, env }) => {
    let run: { code: number | null; stdout: string; stderr: string };
    let exp: Record<string, any>;
    let requests: FakeRequest[];
    /** The LLM event of each model request, in the order the app made them. */
    let calls: any[];
    beforeAll(async () => {
      ({ run, exp, requests } = await runScenario(suite, path.join(APPS, 'langchain', version), args, { SCENARIO, ...env }));
      calls = requests.map((r) => eventFor(exp.llms, r));
    }, 60_000);

    it('one LLM event per model request although LangChain and the client library both trace it, with the exact tokens and price', () => {
      expect(run.code, run.stderr).toBe(0);
      // plain, explicit, stream, chain, anthropic, agent (2), graph (2)
      expect(requests).toHaveLength(9);
      expect(exp.llms).toHaveLength(9);
      expect(new Set(calls).size).toBe(9);
      calls.forEach((e, i) => {
        const want = expectedFromWire(requests[i], providerIdOf(requests[i]), e.model);
        expect(e).toMatchObject({ provider: providerIdOf(requests[i]), prompt_tokens: want.prompt_tokens, completion_tokens: want.completion_tokens });
        expect(e.cache_read_tokens ?? 0).toBe(want.cache_read_tokens);
        expect(e.cache_creation_tokens ?? 0).toBe(want.cache_creation_tokens);
        expect(e.cost).toBeCloseTo(want.cost!, 12);
      });
      const wants = requests.map((r, i) => expectedFromWire(r, providerIdOf(r), calls[i].model));
      expect(exp.stats.event_counts.llms).toBe(9);
      expect(exp.stats.prompt_tokens).toBe(wants.reduce((n, w) => n + w.prompt_tokens!, 0));
      expect(exp.stats.unpriced_llm_calls).toBe(0);
    });

    it("the event keeps the LangChain run's name and tags, and the client's content and time to first token", () => {
      expect(calls[0].params.framework).toEqual({ name: 'langchain', run_name: 'forecaster', tags: ['weather'] });
      expect(calls[2].params.framework).toMatchObject({ name: 'langchain', run_name: 'ChatOpenAI' });
      expect(JSON.stringify(calls[0].prompt)).toContain('Weather in Paris?');
      expect(calls[2].time_to_first_token_ms).toBeGreaterThan(0);
      // Anthropic's cache reads and writes are inside the input count once: 40 + 20 + the uncached part.
      expect(calls[4]).toMatchObject({ provider: 'anthropic', cache_read_tokens: 40, cache_creation_tokens: 20 });
      expect(calls[4].prompt_tokens).toBe((requests[4].usage as any).input_tokens + 60);
    });

    it('chains, graph nodes and tools nest as the runs do; graphs are agents their events belong to', () => {
      const { actions, tools } = eventsOf(exp);
      const action = (type: string, n = 0) => actions.filter((a) => a.action_type === type)[n];
      // prompt | model | parser: the model call sits in the sequence, beside the prompt and the parser.
      const sequence = actions.find((a) => a.action_type === 'RunnableSequence' && a.agent_id === null);
      expect(calls[3].parent_span_id).toBe(sequence.span_id);
      expect(actions.filter((a) => a.parent_span_id === sequence.span_id).map((a) => a.action_type).sort()).toEqual(['ChatPromptTemplate', 'StrOutputParser']);
      // The ReAct agent: model → tool → model, in its graph's nodes, all of one agent.
      expect(exp.agents).toHaveLength(2);
      const agentIds = exp.agents.map((a: any) => a.id);
      const weather = tools.find((t) => t.name === 'get_weather');
      expect(weather).toMatchObject({ params: { city: 'Paris' }, returns: { city: 'Paris', celsius: 21 } });
      expect(weather.parent_span_id).toBe(action('tools').span_id);
      expect(agentIds).toContain(weather.agent_id);
      expect([calls[5].agent_id, calls[6].agent_id]).toEqual([weather.agent_id, weather.agent_id]);
      // The two-node graph: each node's model call is in its node.
      expect(calls[7].parent_span_id).toBe(action('researcher').span_id);
      expect(calls[8].parent_span_id).toBe(action('writer').span_id);
      expect(calls[7].agent_id).toBe(calls[8].agent_id);
      expect(agentIds).toContain(calls[7].agent_id);
      expect(calls[7].agent_id).not.toBe(weather.agent_id);
    });

    it('a retriever is a tool event with its query and documents', () => {
      const retriever = exp.tools.find((t: any) => t.name === 'Corpus');
      expect(retriever).toMatchObject({ params: { query: 'weather in Paris' } });
      expect(JSON.stringify(retriever.returns)).toContain('Paris: sunny, 21 degrees');
    });

    it('a failing tool is a tool event with an error event tied to it; the error reaches the app', () => {
      const broken = exp.tools.find((t: any) => t.name === 'broken_weather');
      expect(broken).toBeDefined();
      expect(exp.errors).toHaveLength(1);
      expect(exp.errors[0]).toMatchObject({ trigger_event_id: broken.id, trigger_event_type: 'tools', error_type: 'Error', details: 'weather station offline' });
      expect(run.stdout).toContain('"toolError":{"message":"weather station offline"}');
      expect(exp.stats.event_counts).toMatchObject({ tools: 3, errors: 1 });
    });

    if (args[0] === 'app.cjs') {
      it("the app's own exporter still gets every span (AgentOps only joined its provider)", () => {
        expect(Number(/APP_SPANS (\d+)/.exec(run.stdout)?.[1])).toBeGreaterThan(exp.llms.length * 2);
      });
    }
  });
});

describe.each(VERSIONS.slice(-1))('@langchain/core %s with content capture off', (version) => {
  it('no inputs, outputs, prompts nor completions are recorded; tokens and cost are', async () => {
    const r = await suite.run(path.join(APPS, 'langchain', version), ['--import', '@agentops/otel/register', 'app.mjs'], { SCENARIO: 'plain,chain,agent', AGENTOPS_CAPTURE_CONTENT: 'false' });
    expect(r.code, r.stderr).toBe(0);
    const exp = await suite.server.export(sessionIdOf(r.stderr));
    const text = JSON.stringify(exp);
    expect(text).not.toContain('Paris');
    expect(text).not.toContain('terse');
    expect(exp.llms).toHaveLength(4);
    expect(exp.llms.every((e: any) => e.prompt === null && e.completion === null && e.cost > 0)).toBe(true);
  });
});

import path from 'node:path';
import type { FakeRequest } from '@agentops/fake-llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPS, MODES, runScenario, eventFor, eventsOf, expectedFromWire, frameworkSuite, NODE24, sessionIdOf } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are JSON */

const suite = frameworkSuite();

/** 0.14 (the newest on openai 6, for Node 20) in the Node 20 run; the newest (openai 7, Node 22+) in the Node 24 run. */
const VERSIONS = NODE24 ? ['latest'] : ['v0'];
const SCENARIO = 'plain,tools,stream,chat,handoff,tool-error,max-turns,guardrail';
const AGENTS = ['Assistant', 'Forecaster', 'Streamer', 'ChatAgent', 'Triage', 'Weather agent', 'Unlucky', 'Looper', 'Guarded'];

describe.each(VERSIONS)('@openai/agents %s', (version) => {
  describe.each(MODES)('$mode', ({ args, env }) => {
    let run: { code: number | null; stdout: string; stderr: string };
    let exp: Record<string, any>;
    let requests: FakeRequest[];
    let calls: any[];
    let agentId: (name: string) => string;
    beforeAll(async () => {
      ({ run, exp, requests } = await runScenario(suite, path.join(APPS, 'openai-agents', version), args, { SCENARIO, ...env }));
      calls = requests.map((r) => eventFor(exp.llms, r));
      agentId = (name) => exp.agents.find((a: any) => a.name === name)?.id;
    }, 60_000);

    it('one LLM event per model request (the SDK and the openai client both trace it), exact tokens and price; task and turn usage never counted', () => {
      expect(run.code, run.stderr).toBe(0);
      // plain 1, tools 2, stream 1, chat 1, handoff 2, tool-error 2, max-turns 1 (the guardrail stops its run first)
      expect(requests).toHaveLength(10);
      expect(exp.llms).toHaveLength(10);
      expect(new Set(calls).size).toBe(10);
      const wants = requests.map((r, i) => expectedFromWire(r, 'openai', calls[i].model));
      calls.forEach((e, i) => {
        expect(e).toMatchObject({ provider: 'openai', prompt_tokens: wants[i].prompt_tokens, completion_tokens: wants[i].completion_tokens });
        expect(e.cost).toBeCloseTo(wants[i].cost!, 12);
      });
      expect(exp.stats.prompt_tokens).toBe(wants.reduce((n, w) => n + w.prompt_tokens!, 0));
      expect(exp.stats.completion_tokens).toBe(wants.reduce((n, w) => n + w.completion_tokens!, 0));
      expect(Math.abs(Number(exp.stats.cost) - wants.reduce((n, w) => n + w.cost!, 0))).toBeLessThanOrEqual(0.0000005 + 1e-12);
      // The Responses API calls are the SDK's response spans, the chat completions call its generation span.
      expect(calls.map((e) => e.params.framework.run_name)).toEqual(['response', 'response', 'response', 'response', 'generation', 'response', 'response', 'response', 'response', 'response']);
    });

    it('every agent is an AgentOps agent; its model calls and tool calls carry its id and nest in it', () => {
      expect(exp.agents.map((a: any) => a.name).sort()).toEqual([...AGENTS].sort());
      const byAgent = [AGENTS[0], AGENTS[1], AGENTS[1], AGENTS[2], AGENTS[3], AGENTS[4], AGENTS[5], AGENTS[6], AGENTS[6], AGENTS[7]];
      expect(calls.map((e) => e.agent_id)).toEqual(byAgent.map(agentId));
      const weather = exp.tools.find((t: any) => t.name === 'get_weather' && t.agent_id === agentId('Forecaster'));
      expect(weather).toMatchObject({ params: { city: 'Paris' }, returns: { city: 'Paris', celsius: 21 } });
      expect(weather.parent_span_id).toBe(calls[1].parent_span_id);
      expect(calls[2].parent_span_id).toBe(calls[1].parent_span_id);
    });

    it('a handoff is an action between the two agents, each call in its own agent', () => {
      const handoff = exp.actions.find((a: any) => a.action_type === 'handoff');
      expect(handoff).toMatchObject({ params: { from_agent: 'Triage', to_agent: 'Weather agent' }, agent_id: agentId('Triage') });
      expect([calls[5].agent_id, calls[6].agent_id]).toEqual([agentId('Triage'), agentId('Weather agent')]);
      expect(run.stdout).toContain('"last":"Weather agent"');
    });

    it('a failing tool, max turns and a guardrail tripwire are error events tied to their span; the errors reach the app', () => {
      const { errors, tools, actions } = eventsOf(exp);
      const broken = tools.find((t) => t.name === 'broken_weather');
      const toolError = errors.find((e) => e.trigger_event_id === broken.id);
      expect(toolError).toMatchObject({ trigger_event_type: 'tools', agent_id: agentId('Unlucky') });
      // The SDK gives the tool's error as its span's error (the newest redacts the message).
      expect(toolError.details).toMatch(/Error running tool.*broken_weather.*(weather station offline|redacted)/);
      const guardrail = actions.find((a) => a.action_type === 'guardrail no_paris');
      expect(guardrail.returns).toEqual({ triggered: true });
      expect(errors.find((e) => e.trigger_event_id === guardrail.id)).toMatchObject({ error_type: 'GuardrailTripwireTriggered', agent_id: agentId('Guarded') });
      expect(errors.find((e) => e.agent_id === agentId('Looper'))?.details).toContain('Max turns (1) exceeded');
      expect(errors).toHaveLength(4);
      expect(run.stdout).toContain('"maxTurns":{"error":"MaxTurnsExceededError"}');
      expect(run.stdout).toContain('"guardrail":{"error":"InputGuardrailTripwireTriggered"}');
    });

    if (args[0] === 'app.cjs') {
      it("the app's own exporter still gets every span (AgentOps only joined its provider)", () => {
        expect(Number(/APP_SPANS (\d+)/.exec(run.stdout)?.[1])).toBeGreaterThan(exp.llms.length * 2);
      });
    }
  });
});

describe.each(VERSIONS)('@openai/agents %s with content capture off', (version) => {
  it('no inputs nor outputs of agents, tools or model calls are recorded; tokens and cost are', async () => {
    const r = await suite.run(path.join(APPS, 'openai-agents', version), ['--import', '@agentops/otel/register', 'app.mjs'], { SCENARIO: 'plain,tools', AGENTOPS_CAPTURE_CONTENT: 'false' });
    expect(r.code, r.stderr).toBe(0);
    const exp = await suite.server.export(sessionIdOf(r.stderr));
    expect(JSON.stringify(exp)).not.toContain('Paris');
    expect(exp.llms).toHaveLength(3);
    expect(exp.tools).toHaveLength(1);
    expect(exp.llms.every((e: any) => e.prompt === null && e.completion === null && e.cost > 0)).toBe(true);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPS, frameworkSuite, resultOf, sessionIdOf } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are JSON */

const suite = frameworkSuite();

describe('framework integrations are loaded with their library, and patched once per build', () => {
  it('an app that loads no LLM library loads none of the instrumentations (start-up stays where it is)', async () => {
    const r = await suite.run(path.join(APPS, 'langchain', 'v1'), ['--require', '@agentops/otel/register', 'nothing.cjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(resultOf(r.stdout).loaded).toEqual([]);
  });

  it('ai: the ESM and CommonJS builds in one process are each patched once, one model call each', async () => {
    const r = await suite.run(path.join(APPS, 'ai-sdk', 'v6'), ['--import', '@agentops/otel/register', 'dual.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(resultOf(r.stdout).twoBuilds).toBe(true);
    const exp = await suite.server.export(sessionIdOf(r.stderr));
    expect(exp.llms).toHaveLength(2);
    expect(exp.actions.map((a: any) => a.action_type)).toEqual(['ai.generateText', 'ai.generateText']);
    expect(suite.fake.requests).toHaveLength(2);
  });

  it('@langchain/core: both builds get the handler once, one LLM event per call', async () => {
    const r = await suite.run(path.join(APPS, 'langchain', 'v1'), ['--import', '@agentops/otel/register', 'dual.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(resultOf(r.stdout).twoBuilds).toBe(true);
    const exp = await suite.server.export(sessionIdOf(r.stderr));
    expect(exp.llms).toHaveLength(2);
    expect(exp.llms.map((e: any) => e.params.framework.run_name).sort()).toEqual(['cjs', 'esm']);
  });
});

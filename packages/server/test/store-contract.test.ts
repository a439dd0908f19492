// The Store contract, on each store directly (no HTTP): the merge rule, idempotent events, exact totals, lists,
// exports, the overview, keys and isolation; then both stores fed the same random writes answer alike.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { EventModel, SessionModel } from '@agentops/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBatch } from '../src/bounds.js';
import { openStore, type Store } from '../src/store/index.js';
import { freshDatabase, postgresOff, STORES } from '../../../test/helpers/postgres.js';

async function open(kind: 'sqlite' | 'postgres'): Promise<Store> {
  return openStore(kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-contract-')), 'c.db') : await freshDatabase());
}

const T = (s: number) => new Date(Date.parse('2026-03-01T12:00:00.000Z') + s * 1000).toISOString();
type SessionIn = Partial<SessionModel> & { session_id: string };
const session = (s: SessionIn) => checkBatch({ sessions: [s as SessionModel] }).sessions;
const events = (list: Array<Record<string, unknown>>) => checkBatch({ events: list as unknown as EventModel[] }).events;
const llm = (id: string, sessionId: string, at: number, extra: Record<string, unknown> = {}) => ({
  id,
  session_id: sessionId,
  event_type: 'llms',
  init_timestamp: T(at),
  end_timestamp: T(at + 1),
  model: 'gpt-4o-mini',
  prompt_tokens: 100,
  completion_tokens: 10,
  cache_read_tokens: 4,
  reasoning_tokens: 2,
  cost: 0.25,
  ...extra,
});
const action = (id: string, sessionId: string, at: number) => ({ id, session_id: sessionId, event_type: 'actions', init_timestamp: T(at), end_timestamp: T(at), action_type: 'step' });

async function exported(store: Store, project: string, id: string, summary = false): Promise<Record<string, unknown> | undefined> {
  const chunks = await store.exportSessionJson(project, id, { summary });
  if (!chunks) return undefined;
  let text = '';
  for await (const c of chunks) text += c;
  return JSON.parse(text) as Record<string, unknown>;
}

describe.each(STORES)('%s store contract', (kind) => {
  let store: Store;
  let project: string;
  let other: string;
  beforeAll(async () => {
    store = await open(kind);
    project = await store.addApiKey(randomUUID(), 'a');
    other = await store.addApiKey(randomUUID(), 'b');
  });
  afterAll(() => store.close());

  it('the merge rule: tags join or are replaced, the earliest start and the latest end win, an end is never undone', async () => {
    const id = randomUUID();
    await store.write(project, { sessions: session({ session_id: id, init_timestamp: T(10), tags: ['b', 'a'], host_env: { OS: 'linux' } }) }, { joinTags: true });
    await store.write(project, { sessions: session({ session_id: id, init_timestamp: T(20), tags: ['c', 'a'] }) }, { joinTags: true });
    expect(await store.getSession(project, id)).toMatchObject({ init_timestamp: T(10), tags: ['a', 'b', 'c'], end_timestamp: null, host_env: { OS: 'linux' } });
    // The session's own update replaces its tags; one without tags or start keeps them.
    await store.write(project, { sessions: session({ session_id: id, tags: ['x'] }) });
    await store.write(project, { sessions: session({ session_id: id, init_timestamp: T(5) }) });
    expect(await store.getSession(project, id)).toMatchObject({ init_timestamp: T(5), tags: ['x'] });
    await store.write(project, { sessions: session({ session_id: id, end_timestamp: T(100), end_state: 'Success', end_state_reason: 'done' }) });
    await store.write(project, { sessions: session({ session_id: id, end_timestamp: T(90), end_state: 'Failure' }) });
    await store.write(project, { sessions: session({ session_id: id, end_state: 'Failure' }) }); // no end: says nothing of it
    await store.write(project, { sessions: session({ session_id: id, end_timestamp: T(200), end_state: 'Indeterminate', inherited: true }) });
    expect(await store.getSession(project, id)).toMatchObject({ end_timestamp: T(100), end_state: 'Success', end_state_reason: 'done' });
    await store.write(project, { sessions: session({ session_id: id, end_timestamp: T(150) }) });
    expect(await store.getSession(project, id)).toMatchObject({ end_timestamp: T(150), end_state: 'Indeterminate', end_state_reason: null });
    // An inherited span only fills a missing host env; the session's own one replaces it.
    await store.write(project, { sessions: session({ session_id: id, host_env: { OS: 'mac' }, inherited: true, video: 'v.mp4' }) });
    expect(await store.getSession(project, id)).toMatchObject({ host_env: { OS: 'linux' }, video: 'v.mp4' });
    await store.write(project, { sessions: session({ session_id: id, host_env: { OS: 'mac' } }) });
    expect(await store.getSession(project, id)).toMatchObject({ host_env: { OS: 'mac' }, video: 'v.mp4' });
  });

  it('events: idempotent by id within their session, counted once in exact totals; unknown sessions are made from their events', async () => {
    const id = randomUUID();
    const batch = events([llm('e1', id, 30), llm('e2', id, 20, { cost: null, model: 'no-such-model' }), action('e3', id, 25), llm('e1', id, 30), { ...action('t1', id, 26), event_type: 'tools', name: 'search' }]);
    expect(await store.write(project, { events: batch })).toBe(4);
    expect(await store.write(project, { events: batch })).toBe(0);
    // The same id in another session is another event.
    const id2 = randomUUID();
    expect(await store.write(project, { events: events([llm('e1', id2, 40)]) })).toBe(1);
    expect(await store.getSession(project, id)).toMatchObject({ init_timestamp: T(20), end_timestamp: null, tags: [] });
    const stats = await store.stats(project, id);
    expect(stats).toMatchObject({
      events: 4,
      cost: '0.250000',
      prompt_tokens: 200,
      completion_tokens: 20,
      cache_read_tokens: 8,
      reasoning_tokens: 4,
      total_tokens: 220,
      unpriced_llm_calls: 1,
      event_counts: { llms: 2, actions: 1, tools: 1, errors: 0 },
    });
    // An earlier event moves the start.
    await store.write(project, { events: events([action('e0', id, 1)]) });
    expect((await store.getSession(project, id))!.init_timestamp).toBe(T(1));
    expect((await store.stats(project, id))!.events).toBe(5);
  });

  it('the export: every event once, by type, in time then id order; agents; undefined for another project', async () => {
    const id = randomUUID();
    const many = Array.from({ length: 600 }, (_, i) => action(`a${String(i).padStart(4, '0')}`, id, i % 7));
    await store.write(project, { events: events([...many, llm('l1', id, 3)]), agents: [{ id: 'ag', name: 'planner', session_id: id }] });
    await store.write(project, { agents: [{ id: 'ag', name: 'writer', session_id: id }] });
    const out = (await exported(store, project, id))!;
    const actions = out.actions as Array<{ id: string; init_timestamp: string }>;
    expect(actions).toHaveLength(600);
    const sorted = [...actions].sort((a, b) => (a.init_timestamp + a.id < b.init_timestamp + b.id ? -1 : 1));
    expect(actions.map((a) => a.id)).toEqual(sorted.map((a) => a.id));
    expect(out.llms).toHaveLength(1);
    expect(out.agents).toEqual([{ id: 'ag', name: 'writer' }]);
    expect((out.stats as { events: number }).events).toBe(601);
    expect(await exported(store, project, id, true)).toMatchObject({ stats: out.stats, agents: out.agents });
    expect(await exported(store, other, id)).toBeUndefined();
    expect(await store.stats(other, id)).toBeUndefined();
    // The summary (a timeline's): the same events without their bodies, a handoff with its params; one body on demand.
    await store.write(project, {
      events: events([
        { ...action('h1', id, 8), action_type: 'handoff', params: { from_agent: 'a', to_agent: 'b' } },
        llm('l2', id, 9, { prompt: [{ role: 'user', content: 'x'.repeat(5000) }], completion: { role: 'assistant', content: 'ok' }, span_id: 'abcd' }),
      ]),
    });
    const summary = (await exported(store, project, id, true))!;
    expect((summary.actions as unknown[]).length).toBe(601);
    const l2 = (summary.llms as Array<Record<string, unknown>>).find((e) => e.id === 'l2')!;
    expect(l2).toMatchObject({ id: 'l2', model: 'gpt-4o-mini', span_id: 'abcd', prompt_tokens: 100 });
    expect(l2.prompt).toBeUndefined();
    expect(l2.completion).toBeUndefined();
    expect((summary.actions as Array<Record<string, unknown>>).find((e) => e.id === 'h1')!.params).toEqual({ from_agent: 'a', to_agent: 'b' });
    expect(JSON.parse((await store.getEvent(project, id, 'l2'))!).prompt[0].content).toHaveLength(5000);
    expect(await store.getEvent(project, id, 'nope')).toBeUndefined();
    expect(await store.getEvent(other, id, 'l2')).toBeUndefined();
    expect(await store.sessionOwner(id)).toBe(project);
  });

  it('lists: newest first, keyset pages through equal timestamps, filters by tag, end state and time; per-session totals', async () => {
    const p = await store.addApiKey(randomUUID(), `list-${kind}`);
    const ids = Array.from({ length: 9 }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      const s = session({ session_id: id, init_timestamp: T(Math.floor(i / 3)), tags: [i % 2 ? 'odd' : 'even'], ...(i % 3 === 0 ? {} : { end_timestamp: T(50), end_state: i % 3 === 1 ? 'Success' : 'Failure' }) });
      await store.write(p, { sessions: s, events: events([llm(`x${i}`, id, Math.floor(i / 3), i === 4 ? { cost: null, model: 'no-such-model' } : { cost: 0.5 })]) });
    }
    const seen: string[] = [];
    let cursor: { before?: string; beforeId?: string } = {};
    for (;;) {
      const page = await store.listSessions(p, { limit: 2, ...cursor });
      if (page.length === 0) break;
      seen.push(...page.map((s) => s.session_id));
      const last = page[page.length - 1];
      cursor = { before: last.init_timestamp, beforeId: last.session_id };
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    const all = await store.listSessions(p, { limit: 100 });
    expect(all.map((s) => s.session_id)).toEqual(seen);
    expect(all.map((s) => s.init_timestamp)).toEqual([...all.map((s) => s.init_timestamp)].sort().reverse());
    expect((await store.listSessions(p, { limit: 100, tag: 'odd' })).map((s) => s.session_id).sort()).toEqual(ids.filter((_, i) => i % 2).sort());
    expect((await store.listSessions(p, { limit: 100, endState: 'Running' })).map((s) => s.session_id).sort()).toEqual(ids.filter((_, i) => i % 3 === 0).sort());
    expect((await store.listSessions(p, { limit: 100, endState: 'Failure' })).map((s) => s.session_id).sort()).toEqual(ids.filter((_, i) => i % 3 === 2).sort());
    expect(await store.listSessions(p, { limit: 100, after: T(2) })).toHaveLength(3);
    const four = all.find((s) => s.session_id === ids[4])!;
    expect(four).toMatchObject({ events: 1, llm_calls: 1, unpriced_llm_calls: 1, cost: '0.000000', total_tokens: 110, errors: 0, end_state: 'Success' });
    expect(all.find((s) => s.session_id === ids[0])).toMatchObject({ cost: '0.500000', end_state: null, end_timestamp: null });
    expect(await store.listSessions(other, { limit: 100, tag: 'odd' })).toEqual([]);
  });

  it('the overview: every day of the range, LLM usage per day and model from what was inserted once', async () => {
    const p = await store.addApiKey(randomUUID(), `overview-${kind}`);
    const today = new Date().toISOString().slice(0, 10);
    const at = (day: string, id: string, model: string | null, cost: number | null) => ({
      ...llm(id, sid, 0, { model, cost }),
      init_timestamp: `${day}T10:00:00.000Z`,
      end_timestamp: `${day}T10:00:01.000Z`,
    });
    const sid = randomUUID();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const batch = events([
      at(today, 'o1', 'gpt-4o', 1),
      at(today, 'o2', 'gpt-4o', 2),
      at(yesterday, 'o3', 'no-such-model', null),
      at(today, 'o4', null, 0.5),
      { ...action('o5', sid, 0), init_timestamp: `${today}T11:00:00.000Z`, end_timestamp: `${today}T11:00:00.000Z` },
    ]);
    await store.write(p, { sessions: session({ session_id: sid, init_timestamp: `${today}T09:00:00.000Z` }), events: batch });
    await store.write(p, { events: batch }); // again: nothing more
    const o = await store.overview(p, new Date(Date.now() - 6 * 86_400_000));
    expect(o.days).toHaveLength(7);
    // The session starts with its earliest event, yesterday's: it is counted on that day.
    expect(o.days.at(-1)).toEqual({ day: today, cost: 3.5, prompt_tokens: 300, completion_tokens: 30, llm_calls: 3, unpriced_llm_calls: 0, sessions: 0, events: 4, errors: 0, error_rate: 0 });
    expect(o.days.at(-2)).toEqual({ day: yesterday, cost: 0, prompt_tokens: 100, completion_tokens: 10, llm_calls: 1, unpriced_llm_calls: 1, sessions: 1, events: 1, errors: 0, error_rate: 0 });
    expect(o.days[0]).toMatchObject({ events: 0, errors: 0, error_rate: null });
    expect(o.days.slice(0, -2).every((d) => d.llm_calls === 0 && d.sessions === 0)).toBe(true);
    // Every call took 1 s: the 1,000 ms latency is in the bucket [2^9.5, 2^10) ms, reported as its middle, 2^9.75.
    const second = Math.round(2 ** 9.75 * 10) / 10;
    expect(o.models).toEqual([
      { model: 'gpt-4o', calls: 2, unpriced_llm_calls: 0, cost: 3, prompt_tokens: 200, completion_tokens: 20, p50_ms: second, p95_ms: second },
      { model: null, calls: 1, unpriced_llm_calls: 0, cost: 0.5, prompt_tokens: 100, completion_tokens: 10, p50_ms: second, p95_ms: second },
      { model: 'no-such-model', calls: 1, unpriced_llm_calls: 1, cost: 0, prompt_tokens: 100, completion_tokens: 10, p50_ms: second, p95_ms: second },
    ]);
    expect(o.model_days).toEqual([
      { day: yesterday, model: 'no-such-model', cost: 0, tokens: 110, calls: 1 },
      ...[
        { day: today, model: 'gpt-4o', cost: 3, tokens: 220, calls: 2 },
        { day: today, model: null, cost: 0.5, tokens: 110, calls: 1 },
      ].sort((x, y) => ((x.model ?? '') < (y.model ?? '') ? -1 : 1)),
    ].filter(Boolean));
    expect((await store.overview(other, new Date(Date.now() - 6 * 86_400_000))).models).toEqual([]);
  });

  it('concurrent writers: the same new sessions written by 12 requests at once are made once, counted once, totals exact', async () => {
    const p = await store.addApiKey(randomUUID(), `race-${kind}`);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const day = new Date().toISOString().slice(0, 10);
    const at = `${day}T08:00:00.000Z`;
    await Promise.all(
      Array.from({ length: 12 }, (_, w) => {
        const list = ids.flatMap((id) => [
          { ...llm(`w${w}`, id, 0), init_timestamp: at, end_timestamp: at },
          { ...llm('shared', id, 0), init_timestamp: at, end_timestamp: at },
        ]);
        // Half the writers name the sessions, half only send events (OTLP-like); ids in opposite orders.
        return store.write(p, { sessions: w % 2 ? session({ session_id: ids[w % 3], init_timestamp: at, tags: [`w${w}`] }) : [], events: events(w % 3 ? list : list.reverse()) }, { joinTags: true });
      }),
    );
    for (const id of ids) expect((await store.stats(p, id))!.event_counts.llms).toBe(13);
    const o = await store.overview(p, new Date());
    expect(o.days).toEqual([
      { day, cost: 3 * 13 * 0.25, prompt_tokens: 3 * 13 * 100, completion_tokens: 3 * 13 * 10, llm_calls: 39, unpriced_llm_calls: 0, sessions: 3, events: 39, errors: 0, error_rate: 0 },
    ]);
  });

  it('filters (model, agent, errors, cost range) and full-text search (prompts, completions, tool params and returns, errors, tags)', async () => {
    const p = await store.addApiKey(randomUUID(), `find-${kind}`);
    const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()];
    await store.write(p, {
      sessions: [...session({ session_id: s1, init_timestamp: T(1) }), ...session({ session_id: s2, init_timestamp: T(2) }), ...session({ session_id: s3, init_timestamp: T(3), tags: ['release-candidate'] })],
      events: events([
        llm('q1', s1, 1, { model: 'gpt-4o', cost: 0.5, prompt: [{ role: 'user', content: 'Find flights to Lisbon, please' }], completion: { role: 'assistant', content: 'TP123 at 9:40' }, agent_id: 'a1' }),
        { ...action('t1', s2, 2), event_type: 'tools', name: 'forecast', params: { city: 'Porto' }, returns: 'sunny weather all week' },
        { id: 'x1', session_id: s2, event_type: 'errors', init_timestamp: T(3), end_timestamp: T(3), error_type: 'RateLimit', details: 'Quota exceeded for project' },
        llm('q2', s2, 2, { model: 'claude-3-5-haiku', cost: 0.05 }),
      ]),
      agents: [{ id: 'a1', name: 'planner', session_id: s1 }],
    });
    const ids = async (q: Omit<Parameters<Store['listSessions']>[1], 'limit'>) => (await store.listSessions(p, { limit: 50, ...q })).map((r) => r.session_id).sort();
    expect(await ids({ model: 'gpt-4o' })).toEqual([s1]);
    expect(await ids({ agent: 'planner' })).toEqual([s1]);
    expect(await ids({ hasErrors: true })).toEqual([s2]);
    expect(await ids({ hasErrors: false })).toEqual([s1, s3].sort());
    expect(await ids({ minCost: 0.4 })).toEqual([s1]);
    expect(await ids({ maxCost: 0.1 })).toEqual([s2, s3].sort());
    expect(await ids({ minCost: 0.01, maxCost: 0.1, hasErrors: true })).toEqual([s2]);
    const hit = async (search: string) => (await store.listSessions(p, { limit: 50, search })).map((r) => [r.session_id, r.match_event_id ?? null]);
    expect(await hit('lisbon')).toEqual([[s1, 'q1']]);
    expect(await hit('TP123')).toEqual([[s1, 'q1']]);
    expect(await hit('quota EXCEEDED')).toEqual([[s2, 'x1']]);
    expect(await hit('porto')).toEqual([[s2, 't1']]);
    expect(await hit('sunny weather')).toEqual([[s2, 't1']]);
    expect(await hit('weather lisbon')).toEqual([]);
    expect(await hit('candidate')).toEqual([[s3, null]]);
    expect(await hit('"; DROP TABLE events; --')).toEqual([]);
    expect(await hit('***')).toEqual([]);
    expect(await store.searchSession(p, s2, 'porto')).toEqual(['t1']);
    expect(await store.searchSession(p, s2, 'rate limit quota')).toEqual([]);
    expect(await store.searchSession(p, s2, 'ratelimit')).toEqual(['x1']);
    expect(await store.listSessions(other, { limit: 50, search: 'lisbon' })).toEqual([]);
  });

  it('keys: a key belongs to one project, deleting it revokes it; the JWT secret is the same for every server on the database', async () => {
    const key = randomUUID();
    const p = await store.addApiKey(key, 'keys');
    expect(await store.addApiKey(key.toUpperCase(), 'keys')).toBe(p);
    await expect(store.addApiKey(key, 'not-keys')).rejects.toThrow(/already belongs to another project/);
    expect(await store.projectForKey(key)).toBe(p);
    const { hashApiKey } = await import('../src/store/index.js');
    expect(await store.keyHashBelongs(hashApiKey(key), p)).toBe(true);
    expect(await store.keyHashBelongs(hashApiKey(key), other)).toBe(false);
    expect(await store.deleteApiKey(key)).toBe(true);
    expect(await store.projectForKey(key)).toBeUndefined();
    expect(await store.deleteApiKey(key)).toBe(false);
    const first = Buffer.from(await store.jwtSecret()).toString('hex');
    expect(Buffer.from(await store.jwtSecret()).toString('hex')).toBe(first);
    expect(first).toHaveLength(64);
  });
});

describe.skipIf(postgresOff())('SQLite and PostgreSQL fed the same random writes', () => {
  let sqlite: Store;
  let postgres: Store;
  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([open('sqlite'), open('postgres')]);
  });
  afterAll(async () => {
    await sqlite.close();
    await postgres.close();
  });

  const sessionIds = Array.from({ length: 3 }, () => randomUUID());
  const when = fc.integer({ min: 0, max: 5 }).map(T);
  const sessionArb = fc.record(
    {
      session_id: fc.constantFrom(...sessionIds),
      init_timestamp: when,
      end_timestamp: when,
      end_state: fc.constantFrom('Success', 'Failure', 'Indeterminate'),
      end_state_reason: fc.constantFrom('a', 'b'),
      tags: fc.array(fc.constantFrom('x', 'y', 'Z', 'é', 'a b'), { maxLength: 3 }),
      host_env: fc.constantFrom({ OS: 'linux' }, { OS: 'mac' }),
      inherited: fc.boolean(),
    },
    { requiredKeys: ['session_id'] },
  );
  const eventArb = fc.record({
    id: fc.constantFrom('e1', 'e2', 'e3', 'E1', 'e10'),
    session_id: fc.constantFrom(...sessionIds),
    event_type: fc.constantFrom('llms', 'actions', 'tools', 'errors'),
    init_timestamp: when,
    model: fc.constantFrom('gpt-4o', 'claude', 'unknown-model'),
    prompt_tokens: fc.nat(1000),
    completion_tokens: fc.nat(1000),
    cost: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  });
  const op = fc.oneof(
    fc.record({ sessions: fc.array(sessionArb, { minLength: 1, maxLength: 2 }), join: fc.boolean() }),
    fc.record({ events: fc.array(eventArb, { minLength: 1, maxLength: 6 }), join: fc.constant(true) }),
  );

  it('the same sessions, stats, lists, exports and overview', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        // A session's first write carries its start: otherwise each store would take its own "now".
        const known = new Set<string>();
        for (const o of ops) {
          if ('sessions' in o) for (const s of o.sessions) if (!known.has(s.session_id) && s.init_timestamp === undefined) s.init_timestamp = T(0);
          for (const x of 'sessions' in o ? o.sessions : o.events) known.add(x.session_id);
        }
        const name = randomUUID();
        const [a, b] = await Promise.all([sqlite.addApiKey(randomUUID(), name), postgres.addApiKey(randomUUID(), name)]);
        for (const o of ops) {
          const batch = checkBatch({ sessions: 'sessions' in o ? (o.sessions as SessionModel[]) : [], events: 'events' in o ? (o.events as unknown as EventModel[]) : [] });
          const [na, nb] = await Promise.all([sqlite.write(a, batch, { joinTags: o.join }), postgres.write(b, batch, { joinTags: o.join })]);
          expect(nb).toBe(na);
        }
        const view = async (s: Store, p: string) => ({
          sessions: await Promise.all(sessionIds.map(async (id) => ({ ...(await s.getSession(p, id)), project_id: undefined }))),
          stats: await Promise.all(sessionIds.map((id) => s.stats(p, id))),
          exports: await Promise.all(sessionIds.map(async (id) => JSON.stringify({ ...(await exported(s, p, id)), session: undefined }))),
          lists: [
            await s.listSessions(p, { limit: 10 }),
            await s.listSessions(p, { limit: 10, tag: 'x' }),
            await s.listSessions(p, { limit: 1, before: T(3), beforeId: sessionIds[1] }),
            await s.listSessions(p, { limit: 10, endState: 'Running' }),
            await s.listSessions(p, { limit: 10, search: 'gpt' }),
            await s.listSessions(p, { limit: 10, search: 'x' }),
            await s.listSessions(p, { limit: 10, model: 'claude', hasErrors: true, minCost: 0.1 }),
          ],
          overview: await s.overview(p, new Date('2026-02-27T00:00:00Z')).then((o) => ({
            days: o.days.filter((d) => d.day < '2026-03-03').map((d) => ({ ...d, cost: Math.round(d.cost * 1e9) })),
            models: o.models.map((m) => ({ ...m, cost: Math.round(m.cost * 1e9) })),
          })),
        });
        const [va, vb] = await Promise.all([view(sqlite, a), view(postgres, b)]);
        expect(vb).toEqual(va);
      }),
      { numRuns: 60 },
    );
  });
});

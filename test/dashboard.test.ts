import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as agentops from '@agentops/otel';
import { SqliteStore } from '@agentops/server';
import { eventually, startTestServer, type TestServer } from './helpers/server.js';

const SHOTS = path.join(__dirname, '..', 'test-results', 'dashboard');
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

let server: TestServer;
let browser: Browser;
let page: Page;
let sessionA: agentops.Session;
let sessionB: agentops.Session;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  agentops.init({ apiKey: server.apiKey, endpoint: server.url, autoStartSession: false, logLevel: 'warn', maxWaitTime: 50 });
  sessionA = agentops.startSession({ tags: ['web', 'demo'] });
  // Events spread over the session's run, as a real agent's would be.
  const t0 = Date.now();
  const at = (from: number, to: number) => ({ initTimestamp: t0 + from, endTimestamp: t0 + to });
  const tool = new agentops.ToolEvent({ name: 'web_search', params: { q: 'paris weather', limit: 3 }, returns: ['sunny', 'warm'], ...at(120, 520) });
  sessionA.record(new agentops.ActionEvent({ actionType: 'plan', params: { goal: 'weather' }, returns: { steps: 2 }, ...at(10, 110) }));
  sessionA.record(tool);
  sessionA.record(
    new agentops.LLMEvent({
      ...at(560, 1150),
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: `Summarize ${XSS}` },
      ],
      completion: { role: 'assistant', content: 'Sunny, 21 °C.' },
      promptTokens: 1200,
      completionTokens: 150,
    }),
  );
  sessionA.record(new agentops.ErrorEvent({ triggerEvent: tool, exception: new Error('rate limited'), ...at(400, 410) }));
  await new Promise((r) => setTimeout(r, 1200 - (Date.now() - t0)));
  await sessionA.endSession('Success', 'answered');
  sessionB = agentops.startSession({ tags: ['batch'] });
  sessionB.record(new agentops.LLMEvent({ model: 'claude-sonnet-4-20250514', provider: 'anthropic', promptTokens: 500, completionTokens: 50 }));
  await sessionB.endSession('Failure', 'gave up');

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await agentops.shutdown();
  await server?.close();
});

const rows = () => page.locator('tr.session-row');

describe('the dashboard in headless Chromium', () => {
  it('asks for the API key, then lists the sessions newest first', async () => {
    await page.goto(server.url + '/');
    await page.locator('input[name=apiKey]').fill(server.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => (await rows().count()) === 2);
    expect(await rows().nth(0).getAttribute('data-session')).toBe(sessionB.id);
    const first = await rows().nth(0).innerText();
    expect(first).toContain('Failure');
    expect(await rows().nth(0).locator('td.state').getAttribute('title')).toBe('gave up');
    expect(first).toContain('batch');
    await page.screenshot({ path: path.join(SHOTS, 'sessions.png'), fullPage: true });
  });

  it('filters by tag and end state', async () => {
    await page.locator('input[name=tag]').fill('web');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => (await rows().count()) === 1 && (await rows().nth(0).getAttribute('data-session')) === sessionA.id);
    await page.locator('input[name=tag]').fill('');
    await page.locator('select[name=end_state]').selectOption('Failure');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => (await rows().count()) === 1 && (await rows().nth(0).getAttribute('data-session')) === sessionB.id);
    await page.locator('select[name=end_state]').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => (await rows().count()) === 2);
  });

  it('shows a running session as it starts, without a reload', async () => {
    const live = agentops.startSession({ tags: ['live'] });
    await eventually(async () => (await page.locator(`tr[data-session="${live.id}"]`).count()) === 1, 10_000);
    expect(await page.locator(`tr[data-session="${live.id}"]`).innerText()).toContain('Running');
    await live.endSession('Indeterminate');
  });

  it('opens a session: properties, totals, a timeline, and an LLM call as a readable chat with its app text escaped', async () => {
    await page.goto(`${server.url}/sessions/${sessionA.id}`);
    await page.locator('.wf-row').first().waitFor();
    const text = await page.locator('section.session').innerText();
    expect(text).toContain(sessionA.id);
    expect(text).toContain('answered');
    expect(text).toContain('Success');
    expect(await page.locator('[data-total=cost]').innerText()).toBe(`$${sessionA.getAnalytics().Cost}`);
    expect(await page.locator('.wf-row').count()).toBe(4);
    await page.locator('.wf-row[data-type=llms]').click();
    const details = page.locator('[data-details=llms]');
    await details.waitFor();
    const d = await details.innerText();
    expect(d).toContain('gpt-4o-mini');
    expect(d).toContain('1,200 in');
    expect(d).toContain('Sunny, 21 °C.');
    expect(d).toContain(XSS); // shown as text...
    expect(await page.evaluate('window.__xss')).toBeUndefined(); // ...never run
    expect(await page.locator('.chat img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'session-page.png'), fullPage: true });
    if (process.env.AGENTOPS_UPDATE_SCREENSHOTS === '1') copyFileSync(path.join(SHOTS, 'session-page.png'), path.join(__dirname, '..', 'docs', 'session-page.png'));
  });

  it('shows an error with its type, message, stack and trigger; actions and tools with their JSON', async () => {
    await page.locator('.wf-row[data-type=errors]').click();
    const e = await page.locator('[data-details=errors]').innerText();
    expect(e).toContain('rate limited');
    expect(e).toContain('Error: rate limited');
    expect(e).toContain('web_search');
    await page.locator('.wf-row[data-type=tools]').click();
    const t = await page.locator('[data-details=tools]').innerText();
    expect(t).toContain('"paris weather"');
    expect(t).toContain('"sunny"');
  });

  it('the overview: cost per day by model, tokens, error rate; charts as wide as their card, readable distinct axis labels, the last day labelled, our own legend; latency per model', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.getByRole('link', { name: 'Overview' }).click();
    for (const id of ['cost', 'tokens', 'errors']) await page.locator(`[data-chart=${id}] canvas`).waitFor();
    expect(await page.locator('.u-legend').count()).toBe(0); // no library legend ("TIME: -- COST: --")
    const lastDay = new Date().toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    for (const id of ['cost', 'tokens', 'errors']) {
      const chart = page.locator(`[data-chart=${id}]`);
      await eventually(async () => (await chart.getAttribute('data-yticks')) !== null);
      const width = Number(await chart.getAttribute('data-width'));
      const card = await chart.locator('.chart-body').evaluate((el) => (el as unknown as { clientWidth: number }).clientWidth);
      expect(width).toBeGreaterThan(card * 0.95);
      const y = JSON.parse((await chart.getAttribute('data-yticks'))!) as string[];
      expect(new Set(y).size, `y labels ${y.join(' | ')}`).toBe(y.length);
      expect(JSON.parse((await chart.getAttribute('data-xticks'))!)).toContain(lastDay);
    }
    const legend = await page.locator('[data-chart=cost] .legend').innerText();
    expect(legend).toContain('gpt-4o-mini');
    expect(legend).toContain('claude-sonnet-4-20250514');
    const models = await page.locator('table.models').innerText();
    expect(models).toContain('gpt-4o-mini');
    expect(models).toContain('claude-sonnet-4-20250514');
    // Session A's call took 590 ms: its √2-wide latency bucket is reported by its middle, 609 ms.
    expect(await page.locator('tr[data-model="gpt-4o-mini"] [data-col=p50]').innerText()).toBe('609 ms');
    expect(await page.locator('tr[data-model="gpt-4o-mini"] [data-col=p95]').innerText()).toBe('609 ms');
    // A narrower window: the charts follow their cards' width.
    await page.setViewportSize({ width: 900, height: 900 });
    try {
      await eventually(async () => Number(await page.locator('[data-chart=cost]').getAttribute('data-width')) < 900);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
  });

  it("the link pnpm start prints opens the dashboard signed in; another project's key sees none of these sessions", async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${server.url}/#key=${server.apiKey}`);
    await fresh.locator('tr.session-row').first().waitFor();
    expect(fresh.url()).toBe(`${server.url}/`);
    await fresh.close();

    const otherKey = randomUUID();
    const other = await browser.newPage();
    await other.goto(server.url + '/');
    await other.evaluate('localStorage.clear()');
    await other.reload();
    const store = new SqliteStore(server.db);
    await store.addApiKey(otherKey, 'other-project');
    await store.close();
    await other.locator('input[name=apiKey]').fill(otherKey);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByText('No sessions.').waitFor();
    await other.goto(`${server.url}/sessions/${sessionA.id}`);
    await other.locator('.error').waitFor();
    expect(await other.locator('.error').innerText()).toContain('No session');
    await other.close();
  });

  it('unknown cost is shown as unknown, never as $0.000000: in the session page and the list', async () => {
    const s = agentops.startSession({ tags: ['unpriced'] });
    s.record(new agentops.LLMEvent({ model: 'my-private-model-7b', promptTokens: 100, completionTokens: 10 }));
    await s.endSession('Success');
    await page.goto(`${server.url}/sessions/${s.id}`);
    await page.locator('[data-total=cost]').waitFor();
    expect(await page.locator('[data-total=cost]').innerText()).toBe('unknown (1 call of unknown price)');
    await page.goto(`${server.url}/`);
    const row = page.locator(`tr[data-session="${s.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('unknown (1 call of unknown price)');
  });

  describe('what the server holds cannot break a page (written straight into the store, as data from before the ingest bounds)', () => {
    const deep = (levels: number): unknown => {
      let v: unknown = { leaf: 'bottom' };
      for (let i = 0; i < levels; i++) v = { level: levels - i, next: v };
      return v;
    };
    const errors: string[] = [];
    const ev = (sessionId: string, i: number, extra: Record<string, unknown> = {}) => ({
      id: `ev-${i}`,
      event_type: 'actions' as const,
      session_id: sessionId,
      init_timestamp: new Date(Date.parse('2026-01-01T00:00:00Z') + i).toISOString(),
      end_timestamp: new Date(Date.parse('2026-01-01T00:00:00Z') + i + 1).toISOString(),
      action_type: `step-${i}`,
      ...extra,
    });
    async function write(sessionId: string, events: ReturnType<typeof ev>[], hostEnv: unknown = null) {
      const store = new SqliteStore(server.db);
      const project = (await store.projectForKey(server.apiKey))!;
      await store.write(project, {
        sessions: [{ session_id: sessionId, init_timestamp: '2026-01-01T00:00:00.000Z', end_timestamp: '2026-01-01T01:00:00.000Z', end_state: 'Success', end_state_reason: null, tags: ['stored'], host_env: hostEnv as Record<string, unknown>, video: null }],
        events: events as never,
      });
      await store.close();
    }
    beforeAll(() => {
      page.on('pageerror', (e) => errors.push(e.message));
    });

    it('a host environment nested 1,000 deep and params nested 1,000 deep render, depth-limited, without an error', async () => {
      const id = randomUUID();
      await write(id, [ev(id, 0, { params: deep(1000) })], deep(1000));
      await page.goto(`${server.url}/sessions/${id}`);
      await page.locator('.wf-row').first().waitFor();
      await page.locator('details.host > summary').click();
      await page.locator('.wf-row').first().click();
      await page.locator('[data-details=actions]').waitFor();
      // Open the params all the way down: the rest below the depth limit is a line of text.
      const closed = page.locator('[data-details=actions] details.json:not([open]) > summary').first();
      for (let i = 0; i < 30; i++) {
        // Children are drawn when their level opens (on the next render): wait for the next closed level.
        if (!(await closed.waitFor({ timeout: 2000 }).then(() => true, () => false))) break;
        await closed.click();
      }
      const opened = await page.locator('[data-details=actions] details.json[open]').count();
      expect(opened, `levels opened: ${opened}`).toBeGreaterThan(20);
      expect(await page.locator('[data-details=actions] .json-deep').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    });

    it('a session of 130,000 events opens: the timeline draws only the rows in view, and scrolls to the last one', async () => {
      const id = randomUUID();
      await write(id, Array.from({ length: 130_000 }, (_, i) => ev(id, i)));
      const requests: string[] = [];
      const onRequest = (r: { url(): string }) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search);
      page.on('request', onRequest);
      const t0 = Date.now();
      await page.goto(`${server.url}/sessions/${id}`);
      await page.locator('.wf-row').first().waitFor({ timeout: 60_000 });
      console.log(`130,000-event session: first rows drawn after ${Date.now() - t0} ms`);
      // The timeline came without the events' bodies; one event's body is loaded when it is opened.
      expect(requests).toContain(`/v2/sessions/${id}/export?fields=summary`);
      expect(requests.filter((r) => r === `/v2/sessions/${id}/export`)).toEqual([]);
      await page.locator('.wf-row[data-event="ev-5"]').click();
      await page.locator('[data-details=actions]').waitFor();
      expect(requests).toContain(`/v2/sessions/${id}/events/ev-5`);
      expect(await page.locator('[data-details=actions]').innerText()).toContain('step-5');
      page.off('request', onRequest);
      expect(await page.locator('.waterfall').getAttribute('data-rows')).toBe('130000');
      expect(await page.locator('.wf-row').count()).toBeLessThan(100);
      await page.locator('.waterfall').evaluate((el) => {
        el.scrollTop = el.scrollHeight;
        el.dispatchEvent(new Event('scroll'));
      });
      await page.locator('.wf-row[data-event="ev-129999"]').waitFor();
      expect(errors).toEqual([]);
    }, 120_000);
  });

  describe('find a session, see its structure, trust its numbers', () => {
    const sid = randomUUID();
    const at = (ms: number) => new Date(Date.parse('2026-02-01T10:00:00Z') + ms).toISOString();
    const span = (n: number) => n.toString(16).padStart(16, '0');
    const base = (id: string, type: string, from: number, to: number, extra: Record<string, unknown> = {}) => ({
      id,
      event_type: type,
      session_id: sid,
      init_timestamp: at(from),
      end_timestamp: at(to),
      ...extra,
    });
    const notFound: string[] = [];

    beforeAll(async () => {
      page.on('response', (r) => r.status() === 404 && notFound.push(r.url()));
      // An agent run as the framework integrations record it: two agents, a step holding an LLM call and a tool
      // call, a handoff, a streamed call without usage, an error.
      const store = new SqliteStore(server.db);
      const project = (await store.projectForKey(server.apiKey))!;
      await store.write(project, {
        sessions: [{ session_id: sid, init_timestamp: at(0), end_timestamp: at(5000), end_state: 'Indeterminate', end_state_reason: null, tags: ['agents'], host_env: { Project: { Name: 'trip-planner' } }, video: null }],
        events: [
          base('step', 'actions', 0, 3000, { action_type: 'plan step', span_id: span(1), agent_id: 'ag-planner', params: { goal: 'trip' } }),
          base('llm1', 'llms', 100, 900, { model: 'gpt-4o', prompt_tokens: 300, completion_tokens: 40, cost: 0.002, span_id: span(2), parent_span_id: span(1), agent_id: 'ag-planner' }),
          base('tool1', 'tools', 1000, 1500, { name: 'search_flights', params: { to: 'Lisbon' }, returns: '{"flights":[{"id":"TP123","price":120}]}', span_id: span(3), parent_span_id: span(1), agent_id: 'ag-planner' }),
          base('handoff', 'actions', 3100, 3150, { action_type: 'handoff', params: { from_agent: 'planner', to_agent: 'writer' }, span_id: span(4), agent_id: 'ag-planner' }),
          base('llm2', 'llms', 3200, 4200, { model: 'gpt-4o-mini', cost: null, span_id: span(5), agent_id: 'ag-writer' }),
          base('err1', 'errors', 4300, 4300, { error_type: 'ValidationError', details: 'bad date', logs: `ValidationError: bad date\n${'    at validate (/app/src/validate.ts:10:5)'.repeat(8)}`, span_id: span(6), agent_id: 'ag-writer' }),
        ] as never,
        agents: [
          { id: 'ag-planner', name: 'planner', session_id: sid },
          { id: 'ag-writer', name: 'writer', session_id: sid },
        ],
      });
      await store.close();
    });

    it('the list: short copyable id, app, models, calls, tokens, cost, duration, end state with an error badge, tags', async () => {
      await page.goto(`${server.url}/`);
      const row = page.locator(`tr[data-session="${sid}"]`);
      await row.waitFor();
      expect(await row.locator('.short-id').innerText()).toContain(sid.slice(0, 8));
      expect(await row.locator('[data-copy]').getAttribute('data-copy')).toBe(sid);
      expect(await row.locator('[data-col=app]').innerText()).toBe('trip-planner');
      expect(await row.locator('[data-col=models]').innerText()).toBe('gpt-4o, gpt-4o-mini');
      expect(await row.locator('[data-errors]').innerText()).toBe('1 error');
      const text = await row.innerText();
      for (const part of ['Indeterminate', 'agents', '340', '5.0 s', '$0.002000 + 1 call of unknown price']) expect(text).toContain(part);
      // Session A holds an error event too; session B none.
      expect(await page.locator(`tr[data-session="${sessionA.id}"] [data-errors]`).innerText()).toBe('1 error');
      expect(await page.locator(`tr[data-session="${sessionB.id}"] [data-errors]`).count()).toBe(0);
      // A click on the copy button copies, and does not open the session.
      await row.locator('[data-copy]').click();
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.locator('header [data-project]').innerText()).toBe('e2e');
    });

    it('the waterfall nests agent → step → LLM and tool calls, collapses, names agents and handoffs; the agents panel totals each agent', async () => {
      await page.goto(`${server.url}/sessions/${sid}`);
      await page.locator('.wf-row').first().waitFor();
      expect(await page.locator('.wf-row').count()).toBe(6);
      const pad = async (id: string) => page.locator(`.wf-row[data-event=${id}] .wf-label`).evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { paddingLeft: string; whiteSpace: string } }).getComputedStyle(el).paddingLeft);
      expect(await pad('llm1')).not.toBe(await pad('step'));
      expect(await pad('tool1')).toBe(await pad('llm1'));
      expect(await page.locator('.wf-row[data-event=handoff]').innerText()).toContain('handoff planner → writer');
      expect(await page.locator('.wf-row[data-event=llm2]').innerText()).toContain('writer');
      await page.locator('[data-toggle=step]').click();
      await eventually(async () => (await page.locator('.wf-row').count()) === 4);
      expect(await page.locator('.wf-row[data-event=llm1]').count()).toBe(0);
      await page.locator('[data-toggle=step]').click();
      await eventually(async () => (await page.locator('.wf-row').count()) === 6);
      const planner = await page.locator('tr[data-agent=planner]').innerText();
      const writer = await page.locator('tr[data-agent=writer]').innerText();
      expect(planner.split('\t').map((c) => c.trim())).toEqual(['planner', '1', '340', '$0.002000', '1', '0']);
      expect(writer.split('\t').map((c) => c.trim())).toEqual(['writer', '1', '0', 'unknown (1 call of unknown price)', '0', '1']);
      expect(await page.locator('h2 [data-errors]').innerText()).toBe('1 error');
      expect(await page.locator('section.session').innerText()).toContain('e2e');
    });

    it('an event is in the URL: a link to it opens it, a click changes it', async () => {
      await page.goto(`${server.url}/sessions/${sid}?event=err1`);
      const details = page.locator('[data-details=errors]');
      await details.waitFor();
      expect(await details.innerText()).toContain('bad date');
      // The stack wraps instead of running off the pane.
      expect(await page.locator('.stack').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { paddingLeft: string; whiteSpace: string } }).getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
      await page.locator('.wf-row[data-event=tool1]').click();
      await page.locator('[data-details=tools]').waitFor();
      expect(new URL(page.url()).search).toBe('?event=tool1');
      // A tool result that is JSON text is shown as JSON, not as an escaped string.
      const returns = page.locator('[data-details=tools] > details.json').last();
      expect(await returns.innerText()).toContain('flights');
      await returns.locator('details.json:not([open]) > summary').first().click();
      await eventually(async () => (await returns.innerText()).includes('"TP123"'));
      expect(await page.locator('[data-details=tools]').innerText()).not.toContain('\\"flights\\"');
      await page.reload();
      await page.locator('[data-details=tools]').waitFor();
    });

    it('a stream without usage shows its tokens as unknown, with the setting that fixes it', async () => {
      await page.goto(`${server.url}/sessions/${sid}?event=llm2`);
      const d = page.locator('[data-details=llms]');
      await d.waitFor();
      expect(await d.locator('[data-tokens=unknown]').innerText()).toBe('unknown');
      expect(await d.innerText()).toContain('AGENTOPS_STREAM_USAGE=true');
      expect(await d.innerText()).toContain('Cost\nunknown');
    });

    it('search finds the session by a tool argument and opens it at the matching event; filters by model, agent, errors and cost', async () => {
      await page.goto(`${server.url}/`);
      await rows().first().waitFor();
      await page.locator('input[name=q]').fill('lisbon');
      await page.getByRole('button', { name: 'Filter' }).click();
      await eventually(async () => (await rows().count()) === 1 && (await rows().nth(0).getAttribute('data-session')) === sid);
      expect(await rows().nth(0).getAttribute('data-match')).toBe('tool1');
      await rows().nth(0).click();
      await page.locator('[data-details=tools]').waitFor();
      expect(new URL(page.url()).searchParams.get('event')).toBe('tool1');
      await page.locator('.wf-row.match[data-event=tool1]').waitFor();
      expect(await page.locator('.wf-row.match').count()).toBe(1);
      expect(await page.locator('[data-matches]').innerText()).toBe('1 event match “lisbon”');

      await page.goto(`${server.url}/`);
      await rows().first().waitFor();
      const filterBy = async (fields: Record<string, string>, expected: string[]) => {
        for (const name of ['q', 'model', 'agent', 'min_cost', 'max_cost', 'tag']) await page.locator(`input[name=${name}]`).fill(fields[name] ?? '');
        await page.locator('select[name=has_errors]').selectOption(fields.has_errors ?? '');
        await page.getByRole('button', { name: 'Filter' }).click();
        await eventually(async () => {
          const got = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-session')));
          return JSON.stringify([...got].sort()) === JSON.stringify([...expected].sort());
        });
      };
      await filterBy({ model: 'gpt-4o', tag: 'agents' }, [sid]);
      await filterBy({ agent: 'writer' }, [sid]);
      await filterBy({ model: 'claude-sonnet-4-20250514' }, [sessionB.id]);
      await filterBy({ has_errors: 'true', tag: 'web' }, [sessionA.id]);
      await filterBy({ min_cost: '0.0019', max_cost: '0.00215' }, [sid]);
      // The filters are in the URL: a reload (or a shared link) shows the same list with the same filters.
      expect(new URL(page.url()).search).toBe('?min_cost=0.0019&max_cost=0.00215');
      await page.reload();
      await eventually(async () => (await rows().count()) === 1 && (await rows().nth(0).getAttribute('data-session')) === sid);
      expect(await page.locator('input[name=min_cost]').inputValue()).toBe('0.0019');
      // No filter: the first page of everything again.
      const firstPage = (await server.get('/v2/sessions?limit=50')).body.sessions as Array<{ session_id: string }>;
      await filterBy({}, firstPage.map((x) => x.session_id));
    });

    it('the session link opened without a key: the sign-in says where the local key is, then opens the session; the page has its own icon (no 404)', async () => {
      // The session link the SDK prints, in a browser that has no key yet.
      const fresh = await browser.newPage();
      await fresh.goto(`${server.url}/sessions/${sid}`);
      const hint = fresh.locator('[data-hint=local-key]');
      await hint.waitFor();
      expect(await hint.innerText()).toContain('.agentops/local-api-key');
      expect(await fresh.locator('link[rel=icon]').count()).toBe(1);
      await fresh.locator('input[name=apiKey]').fill(server.apiKey);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.locator(`section.session`).waitFor();
      expect(await fresh.locator('section.session h2').innerText()).toContain(sid);
      await fresh.close();
      expect(notFound).toEqual([]);
    });
  });
});

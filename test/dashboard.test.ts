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
    expect(first).toContain('gave up');
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

  it('draws cost and tokens over time and by model', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-chart=cost] canvas').waitFor();
    expect(await page.locator('[data-chart=tokens] canvas').count()).toBe(1);
    const models = await page.locator('table.models').innerText();
    expect(models).toContain('gpt-4o-mini');
    expect(models).toContain('claude-sonnet-4-20250514');
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
      const t0 = Date.now();
      await page.goto(`${server.url}/sessions/${id}`);
      await page.locator('.wf-row').first().waitFor({ timeout: 60_000 });
      console.log(`130,000-event session: first rows drawn after ${Date.now() - t0} ms`);
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
});

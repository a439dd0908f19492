// The README's screenshots are of `pnpm start`'s demo session, taken here in headless Chromium: the list, the
// session, its streamed LLM call and the overview. AGENTOPS_UPDATE_SCREENSHOTS=1 writes them into docs/.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const SHOTS = path.join(__dirname, '..', 'test-results', 'screenshots');
const DOCS = path.join(__dirname, '..', 'docs');

describe("the README's screenshots: pnpm start's demo session in the dashboard", () => {
  it('shows the list, the session with its agents, the streamed LLM call with its tokens, and the overview', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'agentops-shots-'));
    const start = spawn(process.execPath, [path.join(__dirname, '..', 'scripts', 'start.mjs')], {
      env: { ...process.env, AGENTOPS_SERVER_PORT: '0', AGENTOPS_SERVER_DB: path.join(dir, 'agentops.db'), OPENAI_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      start.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('press Ctrl+C to stop')) resolve();
      });
      start.on('exit', (code) => reject(new Error(`start exited early (${code}): ${out}`)));
    });
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    const key = /API key of the local project: (\S+)/.exec(out)![1];
    const sessionId = /Session ([0-9a-f-]{36}) as the server has it/.exec(out)![1];
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const shot = async (name: string) => {
        const file = path.join(SHOTS, name);
        await page.screenshot({ path: file });
        expect(statSync(file).size).toBeGreaterThan(20_000);
        if (process.env.AGENTOPS_UPDATE_SCREENSHOTS === '1') copyFileSync(file, path.join(DOCS, name));
      };
      await page.goto(`${url}/#key=${key}`);
      const row = page.locator(`tr[data-session="${sessionId}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain('Success');
      expect(await row.locator('[data-errors]').innerText()).toBe('1 error');
      await shot('sessions.png');

      await page.goto(`${url}/sessions/${sessionId}`);
      await page.locator('tr[data-agent=planner]').waitFor();
      expect(await page.locator('tr[data-agent=writer]').count()).toBe(1);
      expect(await page.locator('.wf-row').count()).toBe(7);
      expect((await page.locator('tr[data-agent=planner]').innerText()).split('\t')[1].trim()).toBe('1'); // its LLM call
      await shot('session-page.png');

      const exported = (await (await fetch(`${url}/v2/sessions/${sessionId}/export`, { headers: { 'x-agentops-api-key': key } })).json()) as {
        llms: Array<{ id: string; init_timestamp: string }>;
      };
      const streamed = [...exported.llms].sort((a, b) => (a.init_timestamp < b.init_timestamp ? -1 : 1)).at(-1)!;
      await page.goto(`${url}/sessions/${sessionId}?event=${streamed.id}`);
      const details = page.locator('[data-details=llms]');
      await details.waitFor();
      const text = await details.innerText();
      expect(text).toContain('gpt-4o-mini');
      expect(text).not.toContain('unknown');
      expect(text).toMatch(/\d+ in · \d+ out/);
      await shot('llm-event.png');

      await page.goto(`${url}/overview`);
      await page.locator('[data-chart=cost] canvas').waitFor();
      await page.locator('table.models tbody tr').first().waitFor();
      await shot('overview.png');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      start.kill('SIGINT');
      await new Promise((r) => start.on('exit', r));
    }
  });
});

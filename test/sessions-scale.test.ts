import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '@agentops/server';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/server.js';

describe('the session list with 10,000 sessions', () => {
  it('pages on the server, newest first, through every session exactly once, with per-session totals', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-scale-')), 'agentops.db');
    const key = randomUUID();
    const seed = new SqliteStore(db);
    const project = await seed.addApiKey(key, 'scale');
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    // Four sessions share every second: a page edge often falls inside a group of equal timestamps.
    const sessions = Array.from({ length: 10_000 }, (_, i) => ({
      session_id: randomUUID(),
      init_timestamp: new Date(t0 + Math.floor(i / 4) * 1000).toISOString(),
      end_timestamp: new Date(t0 + i * 1000 + 500).toISOString(),
      end_state: i % 3 === 0 ? ('Failure' as const) : ('Success' as const),
      tags: [i % 2 ? 'odd' : 'even'],
    }));
    const events = sessions.map((s, i) => ({
      id: `e${i}`,
      event_type: 'llms' as const,
      session_id: s.session_id,
      init_timestamp: s.init_timestamp,
      end_timestamp: s.end_timestamp!,
      model: 'gpt-4o-mini',
      prompt: null,
      completion: null,
      prompt_tokens: 10,
      completion_tokens: 5,
      cost: 0.001,
      params: null,
      returns: null,
    }));
    await seed.write(project, { sessions, events });
    await seed.close();

    const server = await startTestServer({ db, apiKey: key, project: 'scale' });
    try {
      // How long the dashboard's first page takes (reported, not asserted: these machines are noisy).
      const t0 = performance.now();
      const first = await server.get('/v2/sessions?limit=50');
      const firstPageMs = performance.now() - t0;
      expect(first.body.sessions).toHaveLength(50);
      expect(first.body.sessions[0].init_timestamp).toBe(sessions[sessions.length - 1].init_timestamp);
      // Without before_id, a page edge inside equal timestamps would lose rows: the cursor is (time, id).
      console.log(`10,000 sessions: first page of 50 in ${firstPageMs.toFixed(1)} ms`);
      const seen = new Set<string>();
      let before: { ts: string; id: string } | undefined;
      let pages = 0;
      for (;;) {
        const { body } = await server.get(`/v2/sessions?limit=999&tag=odd${before ? `&before=${encodeURIComponent(before.ts)}&before_id=${before.id}` : ''}`);
        const page = body.sessions as Array<{ session_id: string; init_timestamp: string; cost: string; llm_calls: number; total_tokens: number; tags: string[] }>;
        if (page.length === 0) break;
        pages++;
        for (let i = 1; i < page.length; i++) expect(page[i].init_timestamp <= page[i - 1].init_timestamp).toBe(true);
        for (const s of page) {
          expect(seen.has(s.session_id)).toBe(false);
          seen.add(s.session_id);
          expect(s).toMatchObject({ cost: '0.001000', llm_calls: 1, total_tokens: 15, tags: ['odd'] });
        }
        before = { ts: page[page.length - 1].init_timestamp, id: page[page.length - 1].session_id };
      }
      expect(seen.size).toBe(5000);
      expect(pages).toBe(6);
    } finally {
      await server.close();
    }
  });
});

// A SQLite file written by the previous server (schema 1: totals computed from the events at every read) opens
// in this one with the same stats, list and overview, now read from the totals kept at ingest.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/index.js';

const SCHEMA_1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE api_keys (key_hash TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), created_at TEXT NOT NULL);
CREATE TABLE sessions (project_id TEXT NOT NULL, session_id TEXT NOT NULL, init_timestamp TEXT NOT NULL, end_timestamp TEXT, end_state TEXT,
  end_state_reason TEXT, tags TEXT NOT NULL DEFAULT '[]', host_env TEXT, video TEXT, PRIMARY KEY (project_id, session_id));
CREATE INDEX sessions_by_time ON sessions (project_id, init_timestamp DESC);
CREATE TABLE events (project_id TEXT NOT NULL, id TEXT NOT NULL, session_id TEXT NOT NULL, event_type TEXT NOT NULL, init_timestamp TEXT NOT NULL,
  end_timestamp TEXT NOT NULL, agent_id TEXT, model TEXT, cost REAL, prompt_tokens INTEGER, completion_tokens INTEGER, cache_read_tokens INTEGER,
  reasoning_tokens INTEGER, data TEXT NOT NULL, PRIMARY KEY (project_id, session_id, id));
CREATE INDEX events_by_session ON events (project_id, session_id, init_timestamp);
CREATE INDEX events_by_session_type ON events (project_id, session_id, event_type, init_timestamp, id);
CREATE INDEX events_by_time ON events (project_id, init_timestamp);
CREATE TABLE agents (project_id TEXT NOT NULL, id TEXT NOT NULL, session_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (project_id, id));
PRAGMA user_version = 1;`;

describe('a SQLite store of the previous schema', () => {
  it('is upgraded in place: its sessions keep their stats, list rows and overview', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-upgrade-')), 'old.db');
    const old = new Database(file);
    old.exec(SCHEMA_1);
    const project = randomUUID();
    const sid = randomUUID();
    const day = new Date().toISOString().slice(0, 10);
    old.prepare('INSERT INTO projects VALUES (?, ?, ?)').run(project, 'old', day);
    old.prepare("INSERT INTO sessions (project_id, session_id, init_timestamp, tags) VALUES (?, ?, ?, '[\"kept\"]')").run(project, sid, `${day}T01:00:00.000Z`);
    const insert = old.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(project, 'l1', sid, 'llms', `${day}T01:00:01.000Z`, `${day}T01:00:02.000Z`, 'gpt-4o', 0.5, 100, 10, 3, 1, '{"id":"l1","event_type":"llms","prompt":"hello old world"}');
    insert.run(project, 'l2', sid, 'llms', `${day}T01:00:03.000Z`, `${day}T01:00:04.000Z`, 'mystery', null, 7, 1, null, null, '{"id":"l2","event_type":"llms"}');
    insert.run(project, 'a1', sid, 'actions', `${day}T01:00:05.000Z`, `${day}T01:00:05.000Z`, null, null, null, null, null, null, '{"id":"a1","event_type":"actions"}');
    insert.run(project, 'x1', sid, 'errors', `${day}T01:00:06.000Z`, `${day}T01:00:06.000Z`, null, null, null, null, null, null, '{"id":"x1","event_type":"errors"}');
    old.close();

    const store = new SqliteStore(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(2);
      expect(await store.stats(project, sid)).toMatchObject({
        events: 4,
        cost: '0.500000',
        prompt_tokens: 107,
        completion_tokens: 11,
        cache_read_tokens: 3,
        reasoning_tokens: 1,
        unpriced_llm_calls: 1,
        event_counts: { llms: 2, actions: 1, tools: 0, errors: 1 },
      });
      expect(await store.listSessions(project, { limit: 10 })).toMatchObject([{ session_id: sid, tags: ['kept'], events: 4, llm_calls: 2, errors: 1, cost: '0.500000' }]);
      const o = await store.overview(project, new Date());
      expect(o.days).toEqual([{ day, cost: 0.5, prompt_tokens: 107, completion_tokens: 11, llm_calls: 2, unpriced_llm_calls: 1, sessions: 1, events: 4, errors: 1, error_rate: 0.25 }]);
      // Latency histograms are built from the stored calls (1 s each: the bucket [2^9.5, 2^10) ms).
      expect(o.models.map((m) => [m.model, m.calls, m.p50_ms])).toEqual([['gpt-4o', 1, Math.round(2 ** 9.75 * 10) / 10], ['mystery', 1, Math.round(2 ** 9.75 * 10) / 10]]);
      // The search index covers them too.
      expect(await store.searchSession(project, sid, 'old world')).toEqual(['l1']);
      // New events add to the totals carried over.
      await store.write(project, { events: [{ id: 'a2', event_type: 'actions', session_id: sid, init_timestamp: `${day}T02:00:00.000Z`, end_timestamp: `${day}T02:00:00.000Z` } as never] });
      expect((await store.stats(project, sid))!.event_counts.actions).toBe(2);
    } finally {
      await store.close();
    }
    // Opening it again changes nothing.
    const again = new SqliteStore(file);
    expect((await again.stats(project, sid))!.events).toBe(5);
    await again.close();
  });
});

-- The AgentOps server's schema on PostgreSQL. Timestamps are ISO-8601 UTC text with the "C" collation: they
-- compare as instants, and keyset cursors and merges behave exactly as in the SQLite store.
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE projects (id text PRIMARY KEY, name text NOT NULL UNIQUE, created_at text NOT NULL);

CREATE TABLE api_keys (
  key_hash text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects (id),
  created_at text NOT NULL
);

CREATE TABLE sessions (
  project_id text NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  init_timestamp text COLLATE "C" NOT NULL,
  end_timestamp text COLLATE "C",
  end_state text,
  end_state_reason text,
  tags text[] COLLATE "C" NOT NULL DEFAULT '{}',
  host_env text,
  video text,
  -- The models of its LLM calls (at most 20, sorted), for the session list.
  models text[] COLLATE "C" NOT NULL DEFAULT '{}',
  -- Totals of the session's events, kept as events are inserted: stats and lists read one row.
  events bigint NOT NULL DEFAULT 0,
  llms bigint NOT NULL DEFAULT 0,
  unpriced bigint NOT NULL DEFAULT 0,
  actions bigint NOT NULL DEFAULT 0,
  tools bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  cost double precision NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  reasoning_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, session_id)
);
CREATE INDEX sessions_by_time ON sessions (project_id, init_timestamp DESC, session_id DESC);
CREATE INDEX sessions_by_id ON sessions (session_id);
CREATE INDEX sessions_by_tag ON sessions USING gin (tags);

CREATE TABLE events (
  project_id text NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  event_type text NOT NULL,
  init_timestamp text COLLATE "C" NOT NULL,
  end_timestamp text COLLATE "C" NOT NULL,
  agent_id text,
  model text,
  cost double precision,
  prompt_tokens bigint,
  completion_tokens bigint,
  cache_read_tokens bigint,
  reasoning_tokens bigint,
  -- The event as JSON text, exactly as accepted (json or jsonb would reject or rewrite some valid input).
  data text NOT NULL,
  PRIMARY KEY (project_id, session_id, id)
);
-- A session's events by type and time (export pages), and a project's events by time (retention).
CREATE INDEX events_by_session_type ON events (project_id, session_id, event_type, init_timestamp, id);
CREATE INDEX events_by_time ON events (project_id, init_timestamp);

CREATE TABLE daily_usage (
  project_id text NOT NULL,
  day text COLLATE "C" NOT NULL,
  model text COLLATE "C" NOT NULL,
  calls bigint NOT NULL DEFAULT 0,
  unpriced bigint NOT NULL DEFAULT 0,
  cost double precision NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  -- Calls per latency bucket: 0 is under 1 ms, bucket i >= 1 is [2^((i-1)/2), 2^(i/2)) ms, the last is open.
  latency bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (project_id, day, model)
);

-- Per day: sessions started (kept as sessions are made or their start moves), events and error events (by the
-- event's day). The overview reads days, not sessions or events.
CREATE TABLE daily_activity (
  project_id text NOT NULL,
  day text COLLATE "C" NOT NULL,
  sessions bigint NOT NULL DEFAULT 0,
  events bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, day)
);

CREATE TABLE agents (
  project_id text NOT NULL,
  id text COLLATE "C" NOT NULL,
  session_id text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX agents_by_name ON agents (project_id, name);

-- The words of each event that full-text search finds (lower-case, as the server extracts them).
CREATE TABLE event_search (
  project_id text NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  init_timestamp text COLLATE "C" NOT NULL,
  words tsvector NOT NULL,
  PRIMARY KEY (project_id, session_id, event_id)
);
CREATE INDEX event_search_words ON event_search USING gin (words);

-- Voronka schema, version 1. Placeholders (see migrate.h): {{ID}} is an auto-increment
-- primary key, {{JSON}} a JSON document column. Times are BIGINT milliseconds since the
-- Unix epoch (UTC); money is BIGINT minor units (kopecks); booleans are INTEGER 0/1.

CREATE TABLE teams (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  head_id BIGINT,
  parent_id BIGINT,
  search_text TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  position TEXT,
  team_id BIGINT,
  phone TEXT,
  time_zone TEXT NOT NULL DEFAULT 'Europe/Moscow',
  locale TEXT NOT NULL DEFAULT 'ru',
  takes_leads INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL DEFAULT '',
  assign_seq BIGINT NOT NULL DEFAULT 0,  -- round-robin turn: lowest goes next
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE companies (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  inn TEXT,
  phones {{JSON}},
  emails {{JSON}},
  website TEXT,
  address TEXT,
  region TEXT,
  industry TEXT,
  responsible_id BIGINT,
  notes TEXT,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX companies_responsible ON companies (responsible_id);
CREATE INDEX companies_name ON companies (name);

CREATE TABLE contacts (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  company_id BIGINT,
  position TEXT,
  phones {{JSON}},
  emails {{JSON}},
  time_zone TEXT,
  responsible_id BIGINT,
  notes TEXT,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_company ON contacts (company_id);
CREATE INDEX contacts_responsible ON contacts (responsible_id);

-- Normalised phones ("+79161234567") and e-mails of contacts: one owner each, so intake
-- and the API find the existing contact instead of creating a duplicate.
CREATE TABLE contact_identities (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  contact_id BIGINT NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE deals (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  amount BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'RUB',
  channel TEXT,
  product TEXT,
  region TEXT,
  responsible_id BIGINT,
  contact_id BIGINT,
  company_id BIGINT,
  score INTEGER,
  segment TEXT,
  lost_reason TEXT,
  decision_date BIGINT,
  description TEXT,
  stage_changed_at BIGINT,
  closed_at BIGINT,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deals_responsible ON deals (responsible_id);
CREATE INDEX deals_stage ON deals (pipeline, stage);
CREATE INDEX deals_created ON deals (created_at);
CREATE INDEX deals_contact ON deals (contact_id);
CREATE INDEX deals_company ON deals (company_id);

-- The working group of a deal (analyst, marketer, team lead…): members see the card.
CREATE TABLE deal_members (
  deal_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  PRIMARY KEY (deal_id, user_id)
);
CREATE INDEX deal_members_user ON deal_members (user_id);

CREATE TABLE activities (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  type TEXT NOT NULL,
  deal_id BIGINT,
  contact_id BIGINT,
  author_id BIGINT,
  occurred_at BIGINT NOT NULL,
  duration_min INTEGER,
  goal TEXT,
  outcome TEXT,
  next_step TEXT,
  next_step_at BIGINT,
  body TEXT,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activities_deal ON activities (deal_id);
CREATE INDEX activities_author ON activities (author_id, occurred_at);

CREATE TABLE tasks (
  id {{ID}},
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  deal_id BIGINT,
  assignee_id BIGINT,
  author_id BIGINT,
  due_at BIGINT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  done_at BIGINT,
  kind TEXT,
  description TEXT,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, done, due_at);
CREATE INDEX tasks_deal ON tasks (deal_id);

-- Append-only: who changed what, when, from what to what.
CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,
  user_id BIGINT,
  entity TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  field TEXT,
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id {{ID}},
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  last_used_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

-- A retried request with the same Idempotency-Key gets the stored first answer.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (principal, idem_key)
);

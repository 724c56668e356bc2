-- Version 2: the process engine's state, timers, notifications, deviations and outbox.

-- The card's process state (stage, ticked checklist, pending timers, process fields) as JSON.
ALTER TABLE deals ADD COLUMN process_state TEXT;

-- Durable timers: fire once at fires_at, even after a restart.
CREATE TABLE process_timers (
  deal_id BIGINT NOT NULL,
  code TEXT NOT NULL,
  fires_at BIGINT NOT NULL,
  PRIMARY KEY (deal_id, code)
);
CREATE INDEX process_timers_due ON process_timers (fires_at);

-- What the process did on a card, in order (the card's process timeline).
CREATE TABLE process_log (
  id {{ID}},
  deal_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  user_id BIGINT,
  event TEXT NOT NULL,
  effect TEXT NOT NULL
);
CREATE INDEX process_log_deal ON process_log (deal_id, id);

CREATE TABLE notifications (
  id {{ID}},
  user_id BIGINT NOT NULL,
  deal_id BIGINT,
  kind TEXT NOT NULL,
  message_ru TEXT NOT NULL,
  message_en TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- A rule of the process that was not kept (missed deadline, checkpoint).
CREATE TABLE deviations (
  id {{ID}},
  deal_id BIGINT NOT NULL,
  code TEXT NOT NULL,
  user_id BIGINT,
  message_ru TEXT NOT NULL,
  message_en TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX deviations_deal ON deviations (deal_id);
CREATE INDEX deviations_created ON deviations (created_at);

-- Effects to carry out after commit (e-mails, …), each exactly once.
CREATE TABLE outbox (
  id {{ID}},
  kind TEXT NOT NULL,
  deal_id BIGINT,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  done_at BIGINT,
  last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (done_at, next_attempt_at);

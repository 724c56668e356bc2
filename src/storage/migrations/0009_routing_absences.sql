-- Version 9: lead routing (the head's rules, round-robin turns, each lead's SLA watch) and
-- absences (vacation, sick leave) with the tasks handed to the stand-in.

-- The routing rules the head edits (YAML); no row: the shipped default.
CREATE TABLE routing_config (
  id INTEGER PRIMARY KEY,
  yaml TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT
);

-- Round robin: the user each rule last gave a lead to.
CREATE TABLE routing_cursors (
  rule TEXT PRIMARY KEY,
  last_user_id BIGINT NOT NULL
);

-- Who a lead was routed to, by which rule, and until when they must take it. taken_at is set
-- once the responsible acts on the card; closed_at when the watch ends for another reason.
CREATE TABLE routing_assignments (
  deal_id BIGINT PRIMARY KEY,
  rule TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  assigned_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  tried TEXT NOT NULL,
  taken_at BIGINT,
  closed_at BIGINT
);
CREATE INDEX routing_assignments_due ON routing_assignments (taken_at, closed_at, due_at);

CREATE TABLE absences (
  id {{ID}},
  user_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  stand_in_id BIGINT NOT NULL,
  note TEXT,
  state TEXT NOT NULL DEFAULT 'planned',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX absences_user ON absences (user_id, ends_at);
CREATE INDEX absences_state ON absences (state, starts_at);

-- Tasks handed to the stand-in during an absence, with whom to give them back to.
CREATE TABLE absence_tasks (
  absence_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL,
  original_assignee_id BIGINT NOT NULL,
  PRIMARY KEY (absence_id, task_id)
);

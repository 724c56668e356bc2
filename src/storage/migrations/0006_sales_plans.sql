-- Version 6: the month's sales plan (plan decomposition, src/analytics/plan_store.h): what the
-- head entered and what came out, frozen when saved so a later change of the history does not
-- move the month's targets. One plan per month ("2026-11"); a new save replaces it (version + 1).
CREATE TABLE sales_plans (
  month TEXT PRIMARY KEY,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  author_id BIGINT,
  input {{JSON}} NOT NULL,
  result {{JSON}} NOT NULL
);

-- Analytics reads the stage changes of a period.
CREATE INDEX audit_log_field_at ON audit_log (field, at);

-- Version 3: pipeline definitions are versioned data. Editing a pipeline stores a new
-- version; each card keeps the version it started under until migrated explicitly.
CREATE TABLE process_definitions (
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  yaml TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by BIGINT,
  PRIMARY KEY (code, version)
);
ALTER TABLE deals ADD COLUMN process_version INTEGER;

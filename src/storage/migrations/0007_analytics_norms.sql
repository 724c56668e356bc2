-- Version 7: the daily norms of the head's monitor (src/analytics/norms.h) as the head edits
-- them: every save is a new version, the highest is in force; none saved = the shipped file.
CREATE TABLE analytics_norms (
  version INTEGER PRIMARY KEY,
  yaml TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  author_id BIGINT
);

-- The monitor reads each user's last action.
CREATE INDEX audit_log_user ON audit_log (user_id, id);

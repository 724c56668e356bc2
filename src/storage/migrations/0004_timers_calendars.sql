-- Version 4: due timers are read in firing order (fires_at, deal_id, code) straight from an
-- index, in keyset pages; without it every page sorted all due timers again.
DROP INDEX process_timers_due;
CREATE INDEX process_timers_due ON process_timers (fires_at, deal_id, code);

-- A department (team) may work to its own calendar (time zone, hours, days off, holidays):
-- the YAML a head edits, validated before it is stored. NULL: the company default.
ALTER TABLE teams ADD COLUMN calendar_yaml TEXT;

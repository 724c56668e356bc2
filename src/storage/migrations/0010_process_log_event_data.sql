-- Version 10: the process log keeps each event's data (the lead's channel, the scoring, the
-- lost reason's fields), and every event is logged, also one without effects, so that the
-- recorded history can be replayed through a changed pipeline (`voronka process replay`).
ALTER TABLE process_log ADD COLUMN event_data TEXT;

-- TaskQueue schema upgrade from version 4 to 5 for PostgreSQL: schedules, retention, nodes and
-- daemons. Keeps every task; safe to run again.
-- Issue 14: schedules
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS schedule_name VARCHAR(200);
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS schedule_slot TIMESTAMP WITH TIME ZONE;

-- A schedule fires one task per slot; any node fires a due slot, advancing the row by
-- compare-and-set on its version
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE (
	name VARCHAR(200) NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	payload TEXT,
	queue VARCHAR(255),
	priority INT,
	cron VARCHAR(255),
	fixed_rate BIGINT,
	zone VARCHAR(64) NOT NULL,
	paused BOOLEAN NOT NULL,
	misfire_mode VARCHAR(16) NOT NULL,
	misfire_cap INT NOT NULL,
	misfire_window BIGINT NOT NULL,
	overlap VARCHAR(16) NOT NULL,
	declared BOOLEAN NOT NULL,
	last_slot TIMESTAMP WITH TIME ZONE,
	next_slot TIMESTAMP WITH TIME ZONE,
	version BIGINT NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
-- Active schedules by next slot: the one query that finds the due ones
CREATE INDEX IF NOT EXISTS TQ_SCHEDULE_DUE_IDX ON TQ_SCHEDULE (next_slot) WHERE paused = FALSE;

-- A fired slot: its key makes a second task for the same slot impossible
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE_SLOT (
	schedule_name VARCHAR(200) NOT NULL,
	slot_at TIMESTAMP WITH TIME ZONE NOT NULL,
	task_id UUID NOT NULL,
	fired_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (schedule_name, slot_at)
);

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

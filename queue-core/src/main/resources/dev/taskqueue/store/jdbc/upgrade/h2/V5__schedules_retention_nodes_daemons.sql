-- TaskQueue schema upgrade from version 4 to 5 for H2: schedules, retention, nodes and
-- daemons. Keeps every task; safe to run again.

-- Issue 14: schedules
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS schedule_name VARCHAR(200);
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS schedule_slot TIMESTAMP WITH TIME ZONE;

-- A schedule fires one task per slot; any node fires a due slot, advancing the row by
-- compare-and-set on its version
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE (
	name VARCHAR(200) NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	payload CHARACTER LARGE OBJECT,
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
-- Schedules by next slot: the one query that finds the due ones
CREATE INDEX IF NOT EXISTS TQ_SCHEDULE_DUE_IDX ON TQ_SCHEDULE (paused, next_slot);

-- A fired slot: its key makes a second task for the same slot impossible
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE_SLOT (
	schedule_name VARCHAR(200) NOT NULL,
	slot_at TIMESTAMP WITH TIME ZONE NOT NULL,
	task_id UUID NOT NULL,
	fired_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (schedule_name, slot_at)
);

-- Issue 14: nodes
-- The nodes running workers, each kept alive by its heartbeat; a row whose expires_at has passed
-- belongs to a dead node, which any node deletes, and whose id a new node may take over
CREATE TABLE IF NOT EXISTS TQ_NODE (
	id VARCHAR(255) NOT NULL PRIMARY KEY,
	instance VARCHAR(36) NOT NULL,
	host VARCHAR(255) NOT NULL,
	pid BIGINT NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE NOT NULL,
	lanes VARCHAR(4000) NOT NULL,
	tasks_running INT NOT NULL,
	heartbeat_interval_ms BIGINT NOT NULL,
	last_heartbeat TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Issue 14: daemons
-- One row per daemon: the state operators want it in, and the node that holds its lease
CREATE TABLE IF NOT EXISTS TQ_DAEMON (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	desired_state VARCHAR(16) NOT NULL,
	holder VARCHAR(255),
	lease_until TIMESTAMP WITH TIME ZONE,
	last_heartbeat TIMESTAMP WITH TIME ZONE,
	status VARCHAR(16) NOT NULL,
	last_error VARCHAR(4000),
	restarts INT NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	version BIGINT NOT NULL
);

-- Issue 14: retention
-- Finished tasks by age, for deleting them once their retention ends. Claims leave it alone
-- (they do not change finished_at); an insert adds an entry, a completion moves it
CREATE INDEX IF NOT EXISTS TQ_TASK_FINISHED_IDX ON TQ_TASK (finished_at);

-- Named leases, each held by one node at a time until lease_until (the database's time)
CREATE TABLE IF NOT EXISTS TQ_LEASE (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	holder VARCHAR(255) NOT NULL,
	lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The version table as version 4 made it: tables a create script is still making may lack it
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 5, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 5);

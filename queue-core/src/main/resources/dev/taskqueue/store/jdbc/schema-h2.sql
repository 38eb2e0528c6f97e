-- TaskQueue schema for H2 2.x. Idempotent: safe to run on every start.
CREATE TABLE IF NOT EXISTS TQ_TASK (
	id UUID NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	priority INT NOT NULL,
	run_at TIMESTAMP WITH TIME ZONE NOT NULL,
	attempts INT NOT NULL,
	attempt_base INT DEFAULT 0 NOT NULL,
	claim_token BIGINT,
	pending_parents INT NOT NULL,
	job_id UUID,
	payload CHARACTER LARGE OBJECT,
	unique_key VARCHAR(255),
	options VARCHAR(4000),
	result CHARACTER LARGE OBJECT,
	error_message CHARACTER LARGE OBJECT,
	error_detail CHARACTER LARGE OBJECT,
	worker VARCHAR(255),
	lease_until TIMESTAMP WITH TIME ZONE,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE,
	schedule_name VARCHAR(200),
	schedule_slot TIMESTAMP WITH TIME ZONE,
	progress DOUBLE PRECISION,
	progress_message VARCHAR(200),
	progress_at TIMESTAMP WITH TIME ZONE,
	-- The key of an unfinished task, else NULL: unique while the task is not finished
	active_key VARCHAR(255) GENERATED ALWAYS AS (CASE WHEN status IN ('WAITING', 'READY', 'RUNNING') THEN unique_key END)
);
CREATE INDEX IF NOT EXISTS TQ_TASK_READY_IDX ON TQ_TASK (status, queue, priority DESC, run_at, id);
CREATE UNIQUE INDEX IF NOT EXISTS TQ_TASK_KEY_IDX ON TQ_TASK (active_key);
CREATE INDEX IF NOT EXISTS TQ_TASK_LEASE_IDX ON TQ_TASK (lease_until);
CREATE INDEX IF NOT EXISTS TQ_TASK_JOB_IDX ON TQ_TASK (job_id, status);

CREATE TABLE IF NOT EXISTS TQ_TASK_PARENT (
	parent_id UUID NOT NULL,
	child_id UUID NOT NULL,
	even_if_failed BOOLEAN DEFAULT FALSE NOT NULL,
	PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX IF NOT EXISTS TQ_TASK_PARENT_CHILD_IDX ON TQ_TASK_PARENT (child_id);

CREATE TABLE IF NOT EXISTS TQ_TASK_ERROR (
	task_id UUID NOT NULL,
	attempt INT NOT NULL,
	message CHARACTER LARGE OBJECT NOT NULL,
	detail CHARACTER LARGE OBJECT NOT NULL,
	failed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS TQ_TASK_ERROR_TASK_IDX ON TQ_TASK_ERROR (task_id);

CREATE TABLE IF NOT EXISTS TQ_JOB (
	id UUID NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	planner_id UUID,
	expected_tasks INT,
	result CHARACTER LARGE OBJECT,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS TQ_JOB_STATUS_IDX ON TQ_JOB (status);

-- The tasks a job enqueues when it ends: on SUCCESS, FAILURE or COMPLETE
CREATE TABLE IF NOT EXISTS TQ_JOB_CALLBACK (
	job_id UUID NOT NULL,
	position INT NOT NULL,
	run_on VARCHAR(16) NOT NULL,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	priority INT NOT NULL,
	payload CHARACTER LARGE OBJECT,
	options VARCHAR(4000),
	PRIMARY KEY (job_id, position)
);

-- Issue 14: schedules
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

-- Issue 15: the dashboard's audit trail
-- Every action an operator took on the dashboard: who, when, what, on which tasks
CREATE TABLE IF NOT EXISTS TQ_AUDIT (
	id UUID NOT NULL PRIMARY KEY,
	recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
	user_name VARCHAR(255) NOT NULL,
	action VARCHAR(64) NOT NULL,
	target VARCHAR(1000) NOT NULL,
	tasks INT NOT NULL,
	detail VARCHAR(4000)
);

-- The version of these tables: one row per version they were created at or upgraded to
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 8, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 8);

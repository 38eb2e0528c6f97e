-- TaskQueue schema for PostgreSQL. Idempotent: safe to run on every start.
CREATE TABLE IF NOT EXISTS TQ_TASK (
	id UUID NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	priority INT NOT NULL,
	run_at TIMESTAMP WITH TIME ZONE NOT NULL,
	attempts INT NOT NULL,
	attempt_base INT NOT NULL DEFAULT 0,
	claim_token BIGINT,
	pending_parents INT NOT NULL,
	job_id UUID,
	payload TEXT,
	unique_key VARCHAR(255),
	options TEXT,
	result TEXT,
	error_message TEXT,
	error_detail TEXT,
	worker VARCHAR(255),
	lease_until TIMESTAMP WITH TIME ZONE,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE,
	schedule_name VARCHAR(200),
	schedule_slot TIMESTAMP WITH TIME ZONE,
	progress DOUBLE PRECISION,
	progress_message VARCHAR(200),
	progress_at TIMESTAMP WITH TIME ZONE
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- Only ready rows sit in the claim index, in claim order: a claim costs the same at any backlog
CREATE INDEX IF NOT EXISTS TQ_TASK_READY_IDX ON TQ_TASK (queue, priority DESC, run_at, id) WHERE status = 'READY';

-- A key is unique among unfinished tasks. The predicate names unique_key, so that no statement
-- about running or ready tasks in general can pick this index over the primary key.
CREATE UNIQUE INDEX IF NOT EXISTS TQ_TASK_KEY_IDX ON TQ_TASK (unique_key)
	WHERE unique_key IS NOT NULL AND status IN ('WAITING', 'READY', 'RUNNING');

-- Only running tasks hold a lease: finding the lapsed ones reads this small index alone
CREATE INDEX IF NOT EXISTS TQ_TASK_LEASE_IDX ON TQ_TASK (lease_until) WHERE lease_until IS NOT NULL;

-- A job's tasks by status: whether any is still ready or running, and the counts per status
CREATE INDEX IF NOT EXISTS TQ_TASK_JOB_IDX ON TQ_TASK (job_id, status) WHERE job_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS TQ_TASK_PARENT (
	parent_id UUID NOT NULL,
	child_id UUID NOT NULL,
	even_if_failed BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX IF NOT EXISTS TQ_TASK_PARENT_CHILD_IDX ON TQ_TASK_PARENT (child_id);

CREATE TABLE IF NOT EXISTS TQ_TASK_ERROR (
	task_id UUID NOT NULL,
	attempt INT NOT NULL,
	message TEXT NOT NULL,
	detail TEXT NOT NULL,
	failed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS TQ_TASK_ERROR_TASK_IDX ON TQ_TASK_ERROR (task_id);

CREATE TABLE IF NOT EXISTS TQ_JOB (
	id UUID NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	planner_id UUID,
	expected_tasks INT,
	result TEXT,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE
);

-- Running jobs, for the check that finds those whose last task finished unseen
CREATE INDEX IF NOT EXISTS TQ_JOB_RUNNING_IDX ON TQ_JOB (created_at) WHERE status = 'RUNNING';

-- The tasks a job enqueues when it ends: on SUCCESS, FAILURE or COMPLETE
CREATE TABLE IF NOT EXISTS TQ_JOB_CALLBACK (
	job_id UUID NOT NULL,
	position INT NOT NULL,
	run_on VARCHAR(16) NOT NULL,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	priority INT NOT NULL,
	payload TEXT,
	options TEXT,
	PRIMARY KEY (job_id, position)
);

-- Issue 14: schedules
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
	lanes TEXT NOT NULL,
	tasks_running INT NOT NULL,
	heartbeat_interval_ms BIGINT NOT NULL,
	last_heartbeat TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Issue 14: retention
-- Finished tasks outside jobs by status and age, for deleting them once their retention ends.
-- Only finished rows have entries: claims add none, a completion adds one
CREATE INDEX IF NOT EXISTS TQ_TASK_FINISHED_IDX ON TQ_TASK (status, finished_at)
	WHERE finished_at IS NOT NULL AND job_id IS NULL;

-- Finished jobs by status and age, for deleting them once their retention ends
CREATE INDEX IF NOT EXISTS TQ_JOB_FINISHED_IDX ON TQ_JOB (status, finished_at) WHERE status <> 'RUNNING';

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

-- WAITING tasks per queue and type, for counting them without reading finished rows. Only
-- waiting rows have entries: an enqueue of a ready task adds none
CREATE INDEX IF NOT EXISTS TQ_TASK_WAITING_IDX ON TQ_TASK (queue, type) WHERE status = 'WAITING';

-- Finished tasks of jobs by age, for the throughput of the last hour; those outside jobs are in
-- TQ_TASK_FINISHED_IDX. Only finished job tasks have entries: claims and enqueues add none
CREATE INDEX IF NOT EXISTS TQ_TASK_JOB_FINISHED_IDX ON TQ_TASK (finished_at)
	WHERE finished_at IS NOT NULL AND job_id IS NOT NULL;

-- Failed and cancelled tasks newest first, for the lists operators filter by those statuses.
-- Only failed and cancelled rows have entries: claims, enqueues and successes add none
CREATE INDEX IF NOT EXISTS TQ_TASK_FAILED_IDX ON TQ_TASK (id) WHERE status IN ('FAILED', 'CANCELLED');

-- The version of these tables: one row per version they were created at or upgraded to
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (7, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

-- TaskQueue schema for MySQL 8.0.1+. Idempotent: safe to run on every start.
-- Indexes are declared inside CREATE TABLE: MySQL has no CREATE INDEX IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS TQ_TASK (
	id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	priority INT NOT NULL,
	run_at DATETIME(6) NOT NULL,
	attempts INT NOT NULL,
	attempt_base INT NOT NULL DEFAULT 0,
	claim_token BIGINT,
	pending_parents INT NOT NULL,
	job_id CHAR(36) CHARACTER SET ascii,
	payload LONGTEXT,
	unique_key VARCHAR(255),
	options TEXT,
	result LONGTEXT,
	error_message TEXT,
	error_detail TEXT,
	worker VARCHAR(255),
	lease_until DATETIME(6),
	created_at DATETIME(6) NOT NULL,
	started_at DATETIME(6),
	finished_at DATETIME(6),
	schedule_name VARCHAR(200),
	schedule_slot DATETIME(6),
	progress DOUBLE,
	progress_message VARCHAR(200),
	progress_at DATETIME(6),
	-- The key of an unfinished task, else NULL: unique while the task is not finished
	active_key VARCHAR(255) AS (CASE WHEN status IN ('WAITING', 'READY', 'RUNNING') THEN unique_key END) VIRTUAL,
	INDEX TQ_TASK_READY_IDX (status, queue, priority DESC, run_at, id),
	UNIQUE INDEX TQ_TASK_KEY_IDX (active_key),
	INDEX TQ_TASK_LEASE_IDX (lease_until),
	INDEX TQ_TASK_JOB_IDX (job_id, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS TQ_TASK_PARENT (
	parent_id CHAR(36) CHARACTER SET ascii NOT NULL,
	child_id CHAR(36) CHARACTER SET ascii NOT NULL,
	even_if_failed BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (parent_id, child_id),
	INDEX TQ_TASK_PARENT_CHILD_IDX (child_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS TQ_TASK_ERROR (
	task_id CHAR(36) CHARACTER SET ascii NOT NULL,
	attempt INT NOT NULL,
	message TEXT NOT NULL,
	detail TEXT NOT NULL,
	failed_at DATETIME(6) NOT NULL,
	INDEX TQ_TASK_ERROR_TASK_IDX (task_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS TQ_JOB (
	id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	planner_id CHAR(36) CHARACTER SET ascii,
	expected_tasks INT,
	result LONGTEXT,
	created_at DATETIME(6) NOT NULL,
	started_at DATETIME(6),
	finished_at DATETIME(6),
	INDEX TQ_JOB_STATUS_IDX (status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The tasks a job enqueues when it ends: on SUCCESS, FAILURE or COMPLETE
CREATE TABLE IF NOT EXISTS TQ_JOB_CALLBACK (
	job_id CHAR(36) CHARACTER SET ascii NOT NULL,
	position INT NOT NULL,
	run_on VARCHAR(16) NOT NULL,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	priority INT NOT NULL,
	payload LONGTEXT,
	options TEXT,
	PRIMARY KEY (job_id, position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Issue 14: schedules
-- A schedule fires one task per slot; any node fires a due slot, advancing the row by
-- compare-and-set on its version
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE (
	name VARCHAR(200) NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	payload LONGTEXT,
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
	last_slot DATETIME(6),
	next_slot DATETIME(6),
	version BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	INDEX TQ_SCHEDULE_DUE_IDX (paused, next_slot)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A fired slot: its key makes a second task for the same slot impossible
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE_SLOT (
	schedule_name VARCHAR(200) NOT NULL,
	slot_at DATETIME(6) NOT NULL,
	task_id CHAR(36) CHARACTER SET ascii NOT NULL,
	fired_at DATETIME(6) NOT NULL,
	PRIMARY KEY (schedule_name, slot_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Issue 14: daemons
-- One row per daemon: the state operators want it in, and the node that holds its lease
CREATE TABLE IF NOT EXISTS TQ_DAEMON (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	desired_state VARCHAR(16) NOT NULL,
	holder VARCHAR(255),
	lease_until DATETIME(6),
	last_heartbeat DATETIME(6),
	status VARCHAR(16) NOT NULL,
	last_error VARCHAR(4000),
	restarts INT NOT NULL,
	started_at DATETIME(6),
	version BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Issue 14: nodes
-- The nodes running workers, each kept alive by its heartbeat; a row whose expires_at has passed
-- belongs to a dead node, which any node deletes, and whose id a new node may take over
CREATE TABLE IF NOT EXISTS TQ_NODE (
	id VARCHAR(255) NOT NULL PRIMARY KEY,
	instance VARCHAR(36) NOT NULL,
	host VARCHAR(255) NOT NULL,
	pid BIGINT NOT NULL,
	started_at DATETIME(6) NOT NULL,
	lanes TEXT NOT NULL,
	tasks_running INT NOT NULL,
	heartbeat_interval_ms BIGINT NOT NULL,
	last_heartbeat DATETIME(6) NOT NULL,
	expires_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Issue 14: retention
-- Finished tasks by age, for deleting them once their retention ends. Not (status, ...): claims
-- change status, and would then move an entry of this index too; they do not change finished_at.
-- Added only where missing, as MySQL has no CREATE INDEX IF NOT EXISTS
SET @taskqueue_add_index = (SELECT IF(COUNT(*) > 0, 'DO 0',
		'CREATE INDEX TQ_TASK_FINISHED_IDX ON TQ_TASK (finished_at)')
	FROM information_schema.statistics
	WHERE table_schema = DATABASE() AND table_name = 'TQ_TASK' AND index_name = 'TQ_TASK_FINISHED_IDX');
PREPARE taskqueue_add_index FROM @taskqueue_add_index;
EXECUTE taskqueue_add_index;
DEALLOCATE PREPARE taskqueue_add_index;

-- Named leases, each held by one node at a time until lease_until (the database's time)
CREATE TABLE IF NOT EXISTS TQ_LEASE (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	holder VARCHAR(255) NOT NULL,
	lease_until DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Issue 15: the dashboard's audit trail
-- Every action an operator took on the dashboard: who, when, what, on which tasks
CREATE TABLE IF NOT EXISTS TQ_AUDIT (
	id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	recorded_at DATETIME(6) NOT NULL,
	user_name VARCHAR(255) NOT NULL,
	action VARCHAR(64) NOT NULL,
	target VARCHAR(1000) NOT NULL,
	tasks INT NOT NULL,
	detail VARCHAR(4000)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The version of these tables: one row per version they were created at or upgraded to
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (7, UTC_TIMESTAMP(6));

-- TaskQueue schema for MariaDB 10.6+. Idempotent: safe to run on every start.
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

-- The version of these tables: one row per version they were created at or upgraded to
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (4, UTC_TIMESTAMP(6));

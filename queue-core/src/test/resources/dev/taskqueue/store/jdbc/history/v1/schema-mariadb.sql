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
	pending_parents INT NOT NULL,
	payload LONGTEXT,
	result LONGTEXT,
	error_message TEXT,
	error_detail TEXT,
	worker VARCHAR(255),
	lease_until DATETIME(6),
	created_at DATETIME(6) NOT NULL,
	started_at DATETIME(6),
	finished_at DATETIME(6),
	INDEX TQ_TASK_READY_IDX (status, queue, priority DESC, run_at, id),
	INDEX TQ_TASK_RUNNING_IDX (worker, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS TQ_TASK_PARENT (
	parent_id CHAR(36) CHARACTER SET ascii NOT NULL,
	child_id CHAR(36) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (parent_id, child_id),
	INDEX TQ_TASK_PARENT_CHILD_IDX (child_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

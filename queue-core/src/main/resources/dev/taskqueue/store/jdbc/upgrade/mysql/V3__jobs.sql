-- TaskQueue schema upgrade from version 2 to 3 for MySQL 8: jobs, their callbacks, and edges
-- that run a child even if its parent failed. Keeps every task. MySQL commits each statement
-- on its own and has no ADD COLUMN IF NOT EXISTS: the edge column is added only where missing,
-- and TQ_TASK's changes come in one ALTER TABLE, the last statement, so that a step cut short
-- can be run again.
SET @taskqueue_add_column = (SELECT IF(COUNT(*) > 0, 'DO 0',
		'ALTER TABLE TQ_TASK_PARENT ADD COLUMN even_if_failed BOOLEAN NOT NULL DEFAULT FALSE')
	FROM information_schema.columns
	WHERE table_schema = DATABASE() AND table_name = 'TQ_TASK_PARENT' AND column_name = 'even_if_failed');
PREPARE taskqueue_add_column FROM @taskqueue_add_column;
EXECUTE taskqueue_add_column;
DEALLOCATE PREPARE taskqueue_add_column;

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

ALTER TABLE TQ_TASK
	ADD COLUMN job_id CHAR(36) CHARACTER SET ascii,
	ADD INDEX TQ_TASK_JOB_IDX (job_id, status);

-- TaskQueue schema upgrade from version 1 to 2 for MySQL 8: retries with an error history,
-- unique keys and per-task options. Keeps every task. MySQL commits each statement on its own
-- and has no ADD COLUMN IF NOT EXISTS: every column and index of TQ_TASK comes in one ALTER
-- TABLE, the last statement, so that a step cut short can be run again.
SET @taskqueue_drop_index = (SELECT IF(COUNT(*) = 0, 'DO 0', 'ALTER TABLE TQ_TASK DROP INDEX TQ_TASK_RUNNING_IDX')
	FROM information_schema.statistics
	WHERE table_schema = DATABASE() AND table_name = 'TQ_TASK' AND index_name = 'TQ_TASK_RUNNING_IDX');
PREPARE taskqueue_drop_index FROM @taskqueue_drop_index;
EXECUTE taskqueue_drop_index;
DEALLOCATE PREPARE taskqueue_drop_index;

CREATE TABLE IF NOT EXISTS TQ_TASK_ERROR (
	task_id CHAR(36) CHARACTER SET ascii NOT NULL,
	attempt INT NOT NULL,
	message TEXT NOT NULL,
	detail TEXT NOT NULL,
	failed_at DATETIME(6) NOT NULL,
	INDEX TQ_TASK_ERROR_TASK_IDX (task_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A task that failed before the history existed keeps its error as the history's only entry
INSERT INTO TQ_TASK_ERROR (task_id, attempt, message, detail, failed_at)
	SELECT t.id, t.attempts, t.error_message, COALESCE(t.error_detail, ''), COALESCE(t.finished_at, t.created_at)
	FROM TQ_TASK t
	WHERE t.error_message IS NOT NULL AND NOT EXISTS (SELECT 1 FROM TQ_TASK_ERROR e WHERE e.task_id = t.id);

ALTER TABLE TQ_TASK
	ADD COLUMN attempt_base INT NOT NULL DEFAULT 0,
	ADD COLUMN options TEXT,
	ADD COLUMN unique_key VARCHAR(255),
	ADD COLUMN active_key VARCHAR(255)
		AS (CASE WHEN status IN ('WAITING', 'READY', 'RUNNING') THEN unique_key END) VIRTUAL,
	ADD UNIQUE INDEX TQ_TASK_KEY_IDX (active_key),
	ADD INDEX TQ_TASK_LEASE_IDX (lease_until);

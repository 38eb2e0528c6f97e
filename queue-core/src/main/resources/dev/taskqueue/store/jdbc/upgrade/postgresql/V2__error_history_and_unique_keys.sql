-- TaskQueue schema upgrade from version 1 to 2 for PostgreSQL: retries with an error history,
-- unique keys and per-task options. Keeps every task; safe to run again.
DROP INDEX IF EXISTS TQ_TASK_RUNNING_IDX;

CREATE TABLE IF NOT EXISTS TQ_TASK_ERROR (
	task_id UUID NOT NULL,
	attempt INT NOT NULL,
	message TEXT NOT NULL,
	detail TEXT NOT NULL,
	failed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS TQ_TASK_ERROR_TASK_IDX ON TQ_TASK_ERROR (task_id);

-- A task that failed before the history existed keeps its error as the history's only entry
INSERT INTO TQ_TASK_ERROR (task_id, attempt, message, detail, failed_at)
	SELECT t.id, t.attempts, t.error_message, COALESCE(t.error_detail, ''), COALESCE(t.finished_at, t.created_at)
	FROM TQ_TASK t
	WHERE t.error_message IS NOT NULL AND NOT EXISTS (SELECT 1 FROM TQ_TASK_ERROR e WHERE e.task_id = t.id);

ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS attempt_base INT NOT NULL DEFAULT 0;
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS options TEXT;
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS unique_key VARCHAR(255);

CREATE UNIQUE INDEX IF NOT EXISTS TQ_TASK_KEY_IDX ON TQ_TASK (unique_key)
	WHERE unique_key IS NOT NULL AND status IN ('WAITING', 'READY', 'RUNNING');
CREATE INDEX IF NOT EXISTS TQ_TASK_LEASE_IDX ON TQ_TASK (lease_until) WHERE lease_until IS NOT NULL;

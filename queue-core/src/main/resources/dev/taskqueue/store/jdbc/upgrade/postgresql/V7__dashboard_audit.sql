-- TaskQueue schema upgrade from version 6 to 7 for PostgreSQL: the dashboard's audit trail,
-- and the indexes its counts and throughput read. Keeps every task; safe to run again.

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

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (7, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

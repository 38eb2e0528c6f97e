-- TaskQueue schema upgrade from version 4 to 5 for PostgreSQL. Keeps every task; safe to run again.

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

-- The version table as version 4 made it: tables a create script is still making may lack it
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

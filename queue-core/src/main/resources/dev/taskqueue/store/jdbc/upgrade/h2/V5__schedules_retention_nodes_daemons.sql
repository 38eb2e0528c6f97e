-- TaskQueue schema upgrade from version 4 to 5 for H2. Keeps every task; safe to run again.

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

-- The version table as version 4 made it: tables a create script is still making may lack it
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 5, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 5);

-- TaskQueue schema upgrade from version 4 to 5 for MariaDB. Keeps every task; safe to run again.

-- Issue 14: retention
-- Finished tasks by age, for deleting them once their retention ends. Not (status, ...): claims
-- change status, and would then move an entry of this index too; they do not change finished_at
CREATE INDEX IF NOT EXISTS TQ_TASK_FINISHED_IDX ON TQ_TASK (finished_at);

-- Named leases, each held by one node at a time until lease_until (the database's time)
CREATE TABLE IF NOT EXISTS TQ_LEASE (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	holder VARCHAR(255) NOT NULL,
	lease_until DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The version table as version 4 made it: tables a create script is still making may lack it
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, UTC_TIMESTAMP(6));

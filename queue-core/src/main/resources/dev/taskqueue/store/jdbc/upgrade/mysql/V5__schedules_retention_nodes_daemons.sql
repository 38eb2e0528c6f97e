-- TaskQueue schema upgrade from version 4 to 5 for MySQL 8: schedules, retention, nodes and
-- daemons. Keeps every task; safe to run again.

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

-- The version table as version 4 made it: tables a create script is still making may lack it
CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, UTC_TIMESTAMP(6));

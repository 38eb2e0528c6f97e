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

INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, UTC_TIMESTAMP(6));

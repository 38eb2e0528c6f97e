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

-- Issue 14: daemons
-- One row per daemon: the state operators want it in, and the node that holds its lease
CREATE TABLE IF NOT EXISTS TQ_DAEMON (
	name VARCHAR(255) NOT NULL PRIMARY KEY,
	desired_state VARCHAR(16) NOT NULL,
	holder VARCHAR(255),
	lease_until TIMESTAMP WITH TIME ZONE,
	last_heartbeat TIMESTAMP WITH TIME ZONE,
	status VARCHAR(16) NOT NULL,
	last_error VARCHAR(4000),
	restarts INT NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	version BIGINT NOT NULL
);

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 5, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 5);

-- TaskQueue schema upgrade from version 6 to 7 for MariaDB: the dashboard's audit trail.
-- Keeps every task; safe to run again.

-- Every action an operator took on the dashboard: who, when, what, on which tasks
CREATE TABLE IF NOT EXISTS TQ_AUDIT (
	id CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	recorded_at DATETIME(6) NOT NULL,
	user_name VARCHAR(255) NOT NULL,
	action VARCHAR(64) NOT NULL,
	target VARCHAR(1000) NOT NULL,
	tasks INT NOT NULL,
	detail VARCHAR(4000)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (7, UTC_TIMESTAMP(6));

-- TaskQueue schema upgrade from version 3 to 4 for MySQL 8: a token per claim, and the table
-- that records the schema's version. Keeps every task. The column comes first and the version
-- last, so that a step cut short can be run again.
ALTER TABLE TQ_TASK ADD COLUMN claim_token BIGINT;

CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (4, UTC_TIMESTAMP(6));

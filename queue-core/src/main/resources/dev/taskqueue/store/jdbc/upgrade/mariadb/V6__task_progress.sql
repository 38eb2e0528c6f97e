-- TaskQueue schema upgrade from version 5 to 6 for MariaDB: the progress a running task
-- reports. Keeps every task; safe to run again.
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress DOUBLE, ADD COLUMN IF NOT EXISTS progress_message VARCHAR(200),
	ADD COLUMN IF NOT EXISTS progress_at DATETIME(6);

INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (6, UTC_TIMESTAMP(6));

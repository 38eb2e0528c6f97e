-- TaskQueue schema upgrade from version 5 to 6 for MySQL 8: the progress a running task
-- reports. Keeps every task. The columns come first and the version last, so that a step cut
-- short can be run again.
ALTER TABLE TQ_TASK ADD COLUMN progress DOUBLE, ADD COLUMN progress_message VARCHAR(200),
	ADD COLUMN progress_at DATETIME(6);

INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (6, UTC_TIMESTAMP(6));

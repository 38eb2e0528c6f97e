-- TaskQueue schema upgrade from version 4 to 5 for MariaDB: schedules, retention, nodes and
-- daemons. Keeps every task; safe to run again.
-- Issue 14: schedules
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS schedule_name VARCHAR(200), ADD COLUMN IF NOT EXISTS schedule_slot DATETIME(6);

-- A schedule fires one task per slot; any node fires a due slot, advancing the row by
-- compare-and-set on its version
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE (
	name VARCHAR(200) NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	payload LONGTEXT,
	queue VARCHAR(255),
	priority INT,
	cron VARCHAR(255),
	fixed_rate BIGINT,
	zone VARCHAR(64) NOT NULL,
	paused BOOLEAN NOT NULL,
	misfire_mode VARCHAR(16) NOT NULL,
	misfire_cap INT NOT NULL,
	misfire_window BIGINT NOT NULL,
	overlap VARCHAR(16) NOT NULL,
	declared BOOLEAN NOT NULL,
	last_slot DATETIME(6),
	next_slot DATETIME(6),
	version BIGINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	INDEX TQ_SCHEDULE_DUE_IDX (paused, next_slot)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A fired slot: its key makes a second task for the same slot impossible
CREATE TABLE IF NOT EXISTS TQ_SCHEDULE_SLOT (
	schedule_name VARCHAR(200) NOT NULL,
	slot_at DATETIME(6) NOT NULL,
	task_id CHAR(36) CHARACTER SET ascii NOT NULL,
	fired_at DATETIME(6) NOT NULL,
	PRIMARY KEY (schedule_name, slot_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (5, UTC_TIMESTAMP(6));

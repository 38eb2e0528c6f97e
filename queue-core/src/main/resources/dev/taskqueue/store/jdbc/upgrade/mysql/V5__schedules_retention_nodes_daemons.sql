-- TaskQueue schema upgrade from version 4 to 5 for MySQL 8: schedules, retention, nodes and
-- daemons. Keeps every task. The columns come first and the version last, so that a step cut
-- short can be run again.

-- Issue 14: schedules
ALTER TABLE TQ_TASK ADD COLUMN schedule_name VARCHAR(200), ADD COLUMN schedule_slot DATETIME(6);

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

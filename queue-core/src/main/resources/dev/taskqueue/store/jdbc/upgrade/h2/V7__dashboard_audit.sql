-- TaskQueue schema upgrade from version 6 to 7 for H2: the dashboard's audit trail.
-- Keeps every task; safe to run again.

-- Every action an operator took on the dashboard: who, when, what, on which tasks
CREATE TABLE IF NOT EXISTS TQ_AUDIT (
	id UUID NOT NULL PRIMARY KEY,
	recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
	user_name VARCHAR(255) NOT NULL,
	action VARCHAR(64) NOT NULL,
	target VARCHAR(1000) NOT NULL,
	tasks INT NOT NULL,
	detail VARCHAR(4000)
);

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 7, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 7);

-- TaskQueue schema upgrade from version 5 to 6 for H2: the progress a running task reports.
-- Keeps every task; safe to run again.
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress DOUBLE PRECISION;
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress_message VARCHAR(200);
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress_at TIMESTAMP WITH TIME ZONE;

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 6, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 6);

-- TaskQueue schema upgrade from version 5 to 6 for PostgreSQL: the progress a running task
-- reports. Keeps every task; safe to run again. Nullable columns without a default: adding
-- them rewrites no row.
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress DOUBLE PRECISION;
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress_message VARCHAR(200);
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS progress_at TIMESTAMP WITH TIME ZONE;

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (6, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

-- TaskQueue schema upgrade from version 3 to 4 for PostgreSQL: a token per claim, and the
-- table that records the schema's version. Keeps every task; safe to run again.
ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS claim_token BIGINT;

CREATE TABLE IF NOT EXISTS TQ_SCHEMA_VERSION (
	version INT NOT NULL PRIMARY KEY,
	installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (4, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

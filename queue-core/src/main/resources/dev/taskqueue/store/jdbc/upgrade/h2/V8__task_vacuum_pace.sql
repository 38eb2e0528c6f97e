-- Version 8 changes PostgreSQL's autovacuum settings only
INSERT INTO TQ_SCHEMA_VERSION (version, installed_at)
	SELECT 8, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM TQ_SCHEMA_VERSION WHERE version = 8);

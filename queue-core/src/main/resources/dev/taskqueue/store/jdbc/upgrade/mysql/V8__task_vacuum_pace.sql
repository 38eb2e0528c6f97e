-- Version 8 changes PostgreSQL's autovacuum settings only
INSERT IGNORE INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (8, UTC_TIMESTAMP(6));

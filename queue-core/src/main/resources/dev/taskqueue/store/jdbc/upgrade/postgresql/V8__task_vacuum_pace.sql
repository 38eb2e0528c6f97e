-- Autovacuum passes over the task table at a gentler pace, so that the queue's throughput does
-- not dip while one runs (see the create script)
ALTER TABLE TQ_TASK SET (autovacuum_vacuum_cost_delay = 20);

INSERT INTO TQ_SCHEMA_VERSION (version, installed_at) VALUES (8, CURRENT_TIMESTAMP) ON CONFLICT (version) DO NOTHING;

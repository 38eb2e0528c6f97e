-- TaskQueue schema for PostgreSQL. Idempotent: safe to run on every start.
CREATE TABLE IF NOT EXISTS TQ_TASK (
	id UUID NOT NULL PRIMARY KEY,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	priority INT NOT NULL,
	run_at TIMESTAMP WITH TIME ZONE NOT NULL,
	attempts INT NOT NULL,
	pending_parents INT NOT NULL,
	payload TEXT,
	result TEXT,
	error_message TEXT,
	error_detail TEXT,
	worker VARCHAR(255),
	lease_until TIMESTAMP WITH TIME ZONE,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- Only ready rows sit in the claim index, in claim order: a claim costs the same at any backlog
CREATE INDEX IF NOT EXISTS TQ_TASK_READY_IDX ON TQ_TASK (queue, priority DESC, run_at, id) WHERE status = 'READY';
CREATE INDEX IF NOT EXISTS TQ_TASK_RUNNING_IDX ON TQ_TASK (worker) WHERE status = 'RUNNING';

CREATE TABLE IF NOT EXISTS TQ_TASK_PARENT (
	parent_id UUID NOT NULL,
	child_id UUID NOT NULL,
	PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX IF NOT EXISTS TQ_TASK_PARENT_CHILD_IDX ON TQ_TASK_PARENT (child_id);

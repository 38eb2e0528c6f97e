-- TaskQueue schema upgrade from version 2 to 3 for H2: jobs, their callbacks, and edges that
-- run a child even if its parent failed. Keeps every task; safe to run again.
ALTER TABLE TQ_TASK_PARENT ADD COLUMN IF NOT EXISTS even_if_failed BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE IF NOT EXISTS TQ_JOB (
	id UUID NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	status VARCHAR(16) NOT NULL,
	planner_id UUID,
	expected_tasks INT,
	result CHARACTER LARGE OBJECT,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	started_at TIMESTAMP WITH TIME ZONE,
	finished_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS TQ_JOB_STATUS_IDX ON TQ_JOB (status);

CREATE TABLE IF NOT EXISTS TQ_JOB_CALLBACK (
	job_id UUID NOT NULL,
	position INT NOT NULL,
	run_on VARCHAR(16) NOT NULL,
	type VARCHAR(255) NOT NULL,
	queue VARCHAR(255) NOT NULL,
	priority INT NOT NULL,
	payload CHARACTER LARGE OBJECT,
	options VARCHAR(4000),
	PRIMARY KEY (job_id, position)
);

ALTER TABLE TQ_TASK ADD COLUMN IF NOT EXISTS job_id UUID;
CREATE INDEX IF NOT EXISTS TQ_TASK_JOB_IDX ON TQ_TASK (job_id, status);

package dev.taskqueue.store.jdbc.dialect;

/**
 * A condition a listed task must meet, each with one parameter: together with the status,
 * they select the tasks an operator filters for, from fixed SQL with bound values only.
 *
 * @since 0.1.0
 */
public enum TaskCondition {

	/** Parameter: the type. */
	TYPE("type = ?"),

	/** Parameter: the queue. */
	QUEUE("queue = ?"),

	/** Parameter: the job id. */
	JOB("job_id = ?"),

	/** Parameter: the earliest creation time. */
	CREATED_FROM("created_at >= ?"),

	/** Parameter: the creation time the tasks were created before. */
	CREATED_BEFORE("created_at < ?"),

	/** Parameter: the id the tasks come after in the list, newest first. */
	BEFORE_ID("id < ?"),

	/** Parameter: the lowest id of the window of the primary key a page is read in. */
	FROM_ID("id >= ?");

	private final String sql;

	TaskCondition(String sql) {
		this.sql = sql;
	}

	String sql() {
		return this.sql;
	}

}

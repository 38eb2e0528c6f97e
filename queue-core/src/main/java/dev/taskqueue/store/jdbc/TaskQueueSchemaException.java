package dev.taskqueue.store.jdbc;

import dev.taskqueue.TaskQueueException;

/**
 * Thrown when the task tables are missing or at a schema version this TaskQueue cannot run on:
 * a schema problem to fix, not a database outage to wait out.
 *
 * @since 0.1.0
 */
public class TaskQueueSchemaException extends TaskQueueException {

	public TaskQueueSchemaException(String message) {
		super(message);
	}

	public TaskQueueSchemaException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.taskqueue;

/**
 * Thrown when TaskQueue cannot reach its database, for example while enqueueing during an
 * outage. Nothing was written; the call may be repeated once the database is back.
 *
 * @since 0.1.0
 */
public class TaskQueueUnavailableException extends TaskQueueException {

	public TaskQueueUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}

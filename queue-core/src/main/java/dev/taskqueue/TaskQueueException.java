package dev.taskqueue;

/**
 * Base class of the exceptions TaskQueue throws to callers.
 *
 * @since 0.1.0
 */
public class TaskQueueException extends RuntimeException {

	public TaskQueueException(String message) {
		super(message);
	}

	public TaskQueueException(String message, Throwable cause) {
		super(message, cause);
	}

}

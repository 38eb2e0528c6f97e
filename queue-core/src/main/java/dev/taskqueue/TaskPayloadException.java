package dev.taskqueue;

/**
 * Thrown at enqueue when a payload cannot be written as JSON. Nothing is enqueued.
 *
 * @since 0.1.0
 */
public class TaskPayloadException extends TaskQueueException {

	public TaskPayloadException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.taskqueue;

/**
 * Thrown at enqueue when a payload cannot be written as JSON, does not bind to the parameter
 * of its type's handler, or is missing for a handler that requires one. Nothing is enqueued.
 *
 * @since 0.1.0
 */
public class TaskPayloadException extends TaskQueueException {

	public TaskPayloadException(String message) {
		super(message);
	}

	public TaskPayloadException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.taskqueue;

/**
 * Thrown by a handler to fail its task at once, whatever retries it has left: for errors that
 * another attempt cannot fix, such as invalid input. Exceptions caused by one fail at once too.
 * A {@code @Task} method can also name such exception types with
 * {@link dev.taskqueue.annotation.Task#noRetryFor()}.
 *
 * @since 0.1.0
 */
public class NonRetryableException extends RuntimeException {

	public NonRetryableException(String message) {
		super(message);
	}

	public NonRetryableException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.taskqueue;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Thrown by a handler to fail its attempt and ask for the next one after a given delay instead
 * of its type's backoff: when the failing service said when to come back, as an HTTP
 * {@code Retry-After} header does. The delay is capped by the task's
 * {@code retry-max-delay} and shifts by no jitter. The attempt counts, and its error joins the
 * task's error history, as any failure's; without retries left the task ends FAILED.
 *
 * @since 0.1.0
 */
public class RetryAfterException extends RuntimeException {

	private final Duration delay;

	/**
	 * Create an exception.
	 * @param message the error message
	 * @param delay how long to wait before the next attempt, not negative
	 */
	public RetryAfterException(String message, Duration delay) {
		this(message, delay, null);
	}

	/**
	 * Create an exception.
	 * @param message the error message
	 * @param delay how long to wait before the next attempt, not negative
	 * @param cause the cause, or {@code null}
	 */
	public RetryAfterException(String message, Duration delay, @Nullable Throwable cause) {
		super(message, cause);
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		this.delay = delay;
	}

	/**
	 * Return how long to wait before the next attempt, before the cap.
	 * @return the delay
	 */
	public Duration getDelay() {
		return this.delay;
	}

}

package dev.taskqueue;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Thrown by a handler that did not start its work, to put its task back in the queue, due
 * again after a delay: when a resource it needs is busy, say. The attempt does not count
 * against the task's retries and leaves no error; the worker slot is free at once. Only the
 * attempt that still holds the task's claim puts it back. It is recognised also as the cause
 * of another exception.
 *
 * @since 0.1.0
 */
public class TaskPostponedException extends RuntimeException {

	private final Duration delay;

	/**
	 * Create an exception.
	 * @param reason why the task waits, for the debug log
	 * @param delay how long the task waits, not negative and at most
	 * {@link TaskOptions#MAX_DURATION}
	 */
	public TaskPostponedException(String reason, Duration delay) {
		super(reason);
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		Assert.isTrue(delay.compareTo(TaskOptions.MAX_DURATION) <= 0,
				() -> "'delay' must be at most " + TaskOptions.MAX_DURATION.toDays() + " days, not " + delay);
		this.delay = delay;
	}

	/**
	 * Return how long the task waits before it is due again.
	 * @return the delay
	 */
	public Duration getDelay() {
		return this.delay;
	}

}

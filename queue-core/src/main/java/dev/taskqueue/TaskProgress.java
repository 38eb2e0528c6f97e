package dev.taskqueue;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How far a task's latest attempt said it had come, as its handler reported it through
 * {@link TaskContext#progress(double, String)}.
 *
 * @param fraction the share of its work done, from 0 to 1
 * @param message what the handler said with it, or {@code null}; at most
 * {@link #MAX_MESSAGE_LENGTH} chars
 * @param reportedAt when the handler reported it, by the clock of the node that ran it
 * @since 0.1.0
 */
public record TaskProgress(double fraction, @Nullable String message, Instant reportedAt) {

	/**
	 * The most chars of a stored progress message: a longer one is cut, ending with "…", and
	 * control characters other than tab and line breaks become U+FFFD.
	 */
	public static final int MAX_MESSAGE_LENGTH = 200;

	/**
	 * Return the share of the work done as a percentage, rounded down.
	 * @return the percentage, from 0 to 100
	 */
	public int percent() {
		return (int) Math.floor(this.fraction * 100);
	}

}

package dev.taskqueue.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * How one attempt of a task ended. An outcome names the attempt it belongs to, so that a late
 * outcome of an attempt that was taken back (or of a cancelled task) changes nothing.
 *
 * @since 0.1.0
 */
public sealed interface TaskOutcome {

	/**
	 * Return the task id.
	 * @return the task id
	 */
	UUID id();

	/**
	 * Return the attempt that ended.
	 * @return the attempt
	 */
	int attempt();

	/**
	 * The attempt succeeded.
	 *
	 * @param id the task id
	 * @param attempt the attempt
	 * @param result the result as JSON, or {@code null}
	 */
	record Succeeded(UUID id, int attempt, @Nullable String result) implements TaskOutcome {
	}

	/**
	 * The attempt failed: the task runs again at {@code retryAt}, or is FAILED if that is
	 * {@code null}. Either way the error joins the task's error history.
	 *
	 * @param id the task id
	 * @param attempt the attempt
	 * @param message the error message
	 * @param detail the exception class, message and stack summary
	 * @param retryAt when to run the task again, or {@code null} to fail it
	 */
	record Failed(UUID id, int attempt, String message, String detail, @Nullable Instant retryAt)
			implements TaskOutcome {
	}

}

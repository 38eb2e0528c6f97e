package dev.taskqueue.complete;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Decides what a failed attempt leads to: another attempt after a backoff delay while the task
 * has retries left and the failure may be retried, else the end of the task as FAILED.
 *
 * @since 0.1.0
 */
public final class FailurePolicy {

	private final TaskTypeRegistry registry;

	private final Clock clock;

	/**
	 * Create a policy.
	 * @param registry the task types, whose options apply where a task's request set none
	 * @param clock the clock
	 */
	public FailurePolicy(TaskTypeRegistry registry, Clock clock) {
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * Return the options that apply to a claimed task: its request's, then its type's.
	 * @param task the task
	 * @return the options, every one but the timeout set
	 */
	public TaskOptions options(ClaimedTask task) {
		return task.options().orElse(this.registry.options(task.type()));
	}

	/**
	 * Return the outcome of a failed attempt.
	 * @param task the task
	 * @param message the error message
	 * @param detail the exception class, message and stack summary
	 * @param retryable whether another attempt may succeed
	 * @return the outcome: a retry at a later time, or the end of the task
	 */
	public TaskOutcome.Failed failed(ClaimedTask task, String message, String detail, boolean retryable) {
		return failed(task, message, detail, retryable, null);
	}

	/**
	 * Return the outcome of a failed attempt that asked for its next attempt after a given
	 * delay, such as a {@link dev.taskqueue.RetryAfterException}'s.
	 * @param task the task
	 * @param message the error message
	 * @param detail the exception class, message and stack summary
	 * @param retryable whether another attempt may succeed
	 * @param requestedDelay the wait before the next attempt, capped by the task's
	 * {@code retryMaxDelay}, or {@code null} for the backoff's
	 * @return the outcome: a retry at a later time, or the end of the task
	 */
	public TaskOutcome.Failed failed(ClaimedTask task, String message, String detail, boolean retryable,
			@Nullable Duration requestedDelay) {
		TaskOptions options = options(task);
		int retry = task.attempt() - task.attemptsBefore();
		Instant retryAt = null;
		if (retryable && retry <= options.retries()) {
			Duration delay = (requestedDelay != null) ? min(requestedDelay, options.retryMaxDelay())
					: delay(options, retry, ThreadLocalRandom.current().nextDouble());
			retryAt = this.clock.instant().plus(delay);
		}
		return new TaskOutcome.Failed(task.id(), task.attempt(), task.claimToken(), task.jobId(), message, detail,
				retryAt);
	}

	/**
	 * Return the outcome of an attempt that put its task back unstarted, such as with a
	 * {@link dev.taskqueue.TaskPostponedException}.
	 * @param task the task
	 * @param delay how long the task waits
	 * @return the outcome
	 */
	public TaskOutcome.Postponed postponed(ClaimedTask task, Duration delay) {
		return new TaskOutcome.Postponed(task.id(), task.attempt(), task.claimToken(), task.jobId(),
				this.clock.instant().plus(delay));
	}

	private static Duration min(Duration delay, @Nullable Duration max) {
		return (max != null && max.compareTo(delay) < 0) ? max : delay;
	}

	/**
	 * Return the wait before a retry: {@code retryDelay * retryBackoff^(retry-1)}, at most
	 * {@code retryMaxDelay}, shifted by up to {@code retryJitter} of itself.
	 * @param options the options, retry options set
	 * @param retry which retry, from 1
	 * @param random a number from 0 (inclusive) to 1 (exclusive) that picks the shift
	 * @return the delay
	 */
	static Duration delay(TaskOptions options, int retry, double random) {
		double base = millis(options.retryDelay()) * Math.pow(options.retryBackoff(), retry - 1);
		double capped = Math.min(base, millis(options.retryMaxDelay()));
		double shifted = capped * (1 + options.retryJitter() * (2 * random - 1));
		return Duration.ofMillis(Math.round(Math.min(shifted, millis(options.retryMaxDelay()))));
	}

	private static double millis(@Nullable Duration duration) {
		return (duration != null) ? duration.toMillis() : 0;
	}

}

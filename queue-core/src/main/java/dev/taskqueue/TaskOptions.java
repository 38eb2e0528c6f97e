package dev.taskqueue;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * How attempts of a task run and fail: timeout, heartbeat and retries. A task's options come
 * from its request, then its type's configuration ({@code taskqueue.types.<type>.*}), then its
 * {@code @Task} annotation, then {@code taskqueue.defaults.*}, then {@link #DEFAULTS}; {@code null}
 * means "not set here".
 * <p>
 * After a failed attempt, a task with retries left runs again after
 * {@code retryDelay * retryBackoff^(n-1)} for its n-th retry, at most {@code retryMaxDelay},
 * shifted at random by up to {@code retryJitter} of itself so that tasks that failed together
 * do not all come back at once.
 * <p>
 * Every duration is at most {@link #MAX_DURATION} (365 days), so that the time arithmetic of
 * leases, timeouts and retries cannot overflow, and the retry backoff is a finite number.
 *
 * @param timeout how long one attempt may run before it is interrupted and fails; {@code null}
 * for no limit
 * @param heartbeat how long a claim holds a running task without being renewed: the worker
 * renews it while the task runs, and any node takes the task back once it lapses (its node died,
 * froze or lost the database)
 * @param retries how many times a failed task runs again
 * @param retryDelay the wait before the first retry
 * @param retryBackoff the factor each further retry's wait grows by, at least 1 (1 for a fixed
 * delay)
 * @param retryMaxDelay the longest wait between attempts
 * @param retryJitter how much each wait may shift at random, as a fraction of it, from 0 to 1
 * @since 0.1.0
 */
public record TaskOptions(@Nullable Duration timeout, @Nullable Duration heartbeat, @Nullable Integer retries,
		@Nullable Duration retryDelay, @Nullable Double retryBackoff, @Nullable Duration retryMaxDelay,
		@Nullable Double retryJitter) {

	/** The longest duration of any option: 365 days. */
	public static final Duration MAX_DURATION = Duration.ofDays(365);

	/** Options that set nothing. */
	public static final TaskOptions NONE = new TaskOptions(null, null, null, null, null, null, null);

	/**
	 * What applies when nothing else sets an option: no timeout, a 30 second heartbeat, and 3
	 * retries after 10 seconds, doubling up to one hour, with 10% jitter.
	 */
	public static final TaskOptions DEFAULTS = new TaskOptions(null, Duration.ofSeconds(30), 3, Duration.ofSeconds(10),
			2.0, Duration.ofHours(1), 0.1);

	public TaskOptions {
		Assert.isTrue(timeout == null || isPositive(timeout), "'timeout' must be positive");
		Assert.isTrue(heartbeat == null || heartbeat.compareTo(Duration.ofMillis(100)) >= 0,
				"'heartbeat' must be at least 100ms");
		Assert.isTrue(retries == null || retries >= 0, "'retries' must not be negative");
		Assert.isTrue(retryDelay == null || !retryDelay.isNegative(), "'retryDelay' must not be negative");
		Assert.isTrue(retryBackoff == null || (Double.isFinite(retryBackoff) && retryBackoff >= 1.0),
				"'retryBackoff' must be a finite number of at least 1");
		Assert.isTrue(retryMaxDelay == null || !retryMaxDelay.isNegative(), "'retryMaxDelay' must not be negative");
		Assert.isTrue(retryJitter == null || (retryJitter >= 0.0 && retryJitter <= 1.0),
				"'retryJitter' must be between 0 and 1");
		checkAtMostMax("timeout", timeout);
		checkAtMostMax("heartbeat", heartbeat);
		checkAtMostMax("retryDelay", retryDelay);
		checkAtMostMax("retryMaxDelay", retryMaxDelay);
	}

	/**
	 * Return these options, with what they leave unset taken from the given ones.
	 * @param fallback the options of lower precedence
	 * @return the merged options
	 */
	public TaskOptions orElse(TaskOptions fallback) {
		return new TaskOptions(first(this.timeout, fallback.timeout), first(this.heartbeat, fallback.heartbeat),
				first(this.retries, fallback.retries), first(this.retryDelay, fallback.retryDelay),
				first(this.retryBackoff, fallback.retryBackoff), first(this.retryMaxDelay, fallback.retryMaxDelay),
				first(this.retryJitter, fallback.retryJitter));
	}

	/**
	 * Return whether no option is set.
	 * @return {@code true} if every option is {@code null}
	 */
	public boolean isEmpty() {
		return equals(NONE);
	}

	private static <T> @Nullable T first(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
	}

	private static void checkAtMostMax(String name, @Nullable Duration duration) {
		Assert.isTrue(duration == null || duration.compareTo(MAX_DURATION) <= 0,
				() -> "'" + name + "' must be at most 365 days");
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}

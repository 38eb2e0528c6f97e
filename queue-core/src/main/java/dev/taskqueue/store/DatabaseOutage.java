package dev.taskqueue.store;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a node's background work knows about its database being unreachable. Polling, writing
 * outcomes, renewing leases and rescuing all report here, so that an outage is logged once when
 * it starts and once when it ends, not once per attempt, and so that they back off together.
 *
 * @since 0.1.0
 */
public final class DatabaseOutage {

	private static final Log logger = LogFactory.getLog(DatabaseOutage.class);

	private static final Duration FIRST_DELAY = Duration.ofMillis(500);

	private static final Duration MAX_DELAY = Duration.ofSeconds(5);

	private int failures;

	private long startedNanos;

	private long lastFailureNanos;

	/**
	 * Report that talking to the database failed.
	 * @param activity what failed, such as "claim tasks"
	 * @param ex the failure
	 */
	public synchronized void failed(String activity, RuntimeException ex) {
		this.lastFailureNanos = System.nanoTime();
		if (this.failures++ == 0) {
			this.startedNanos = System.nanoTime();
			logger.warn("TaskQueue cannot reach its database (could not " + activity
					+ "); running tasks go on, and their outcomes are kept until it is back", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Still cannot reach the database: could not " + activity, ex);
		}
	}

	/**
	 * Report that talking to the database worked.
	 */
	public synchronized void succeeded() {
		if (this.failures > 0) {
			logger.info("TaskQueue reaches its database again after "
					+ Duration.ofNanos(System.nanoTime() - this.startedNanos).toMillis() + " ms");
			this.failures = 0;
		}
	}

	/**
	 * Return how long to wait before trying again: doubling with each failure in a row, from
	 * half a second up to 5 seconds.
	 * @return the delay, zero while there is no outage
	 */
	public synchronized Duration retryDelay() {
		if (this.failures == 0) {
			return Duration.ZERO;
		}
		long millis = FIRST_DELAY.toMillis() << Math.min(this.failures - 1, 10);
		return Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
	}

	/**
	 * Return whether to skip an attempt that is not urgent, because the last failure was less
	 * than {@link #retryDelay()} ago.
	 * @return whether to wait
	 */
	public synchronized boolean isBackingOff() {
		return this.failures > 0 && System.nanoTime() - this.lastFailureNanos < retryDelay().toNanos();
	}

}

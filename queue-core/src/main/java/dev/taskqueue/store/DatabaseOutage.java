package dev.taskqueue.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a node's background work knows about failing statements. Polling, writing outcomes,
 * renewing leases and rescuing all report here, so that they back off together while the
 * database cannot be reached, and so that failures are logged by what they mean.
 * <p>
 * Only a {@link DatabaseFailure#CONNECTION connection failure} is an outage: logged once at
 * WARN when it starts and at INFO when it ends, not once per attempt. A
 * {@link DatabaseFailure#SCHEMA schema error} is logged at ERROR and backs off too. A
 * {@link DatabaseFailure#DATA refused value} is logged at ERROR and a
 * {@link DatabaseFailure#TRANSIENT conflict} at WARN, and neither backs off. Those three are
 * logged every time, with the activity and the database's message, but at most once every
 * 10 seconds per activity, counting the repeats left out.
 *
 * @since 0.1.0
 */
public final class DatabaseOutage {

	private static final Log logger = LogFactory.getLog(DatabaseOutage.class);

	private static final Duration FIRST_DELAY = Duration.ofMillis(500);

	private static final Duration MAX_DELAY = Duration.ofSeconds(5);

	private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

	private final LongSupplier nanoTime;

	private final Map<String, Throttle> throttles = new HashMap<>();

	/** Failures in a row that back off: connection and schema failures. */
	private int failures;

	/** Whether the database is known to be unreachable, an outage logged as started. */
	private boolean unreachable;

	private long startedNanos;

	private long lastFailureNanos;

	/**
	 * Create an outage tracker on the system's nano time.
	 */
	public DatabaseOutage() {
		this(System::nanoTime);
	}

	DatabaseOutage(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	/**
	 * Report that a statement failed, and log it by its kind.
	 * @param activity what failed, such as "claim tasks"
	 * @param ex the failure
	 * @return the kind of failure
	 */
	public synchronized DatabaseFailure failed(String activity, RuntimeException ex) {
		DatabaseFailure failure = DatabaseFailure.of(ex);
		long now = this.nanoTime.getAsLong();
		switch (failure) {
			case CONNECTION -> {
				backOff(now);
				if (!this.unreachable) {
					this.unreachable = true;
					this.startedNanos = now;
					logger.warn("TaskQueue cannot reach its database (could not " + activity
							+ "); running tasks go on, and their outcomes are kept until it is back", ex);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Still cannot reach the database: could not " + activity, ex);
				}
			}
			case SCHEMA -> {
				backOff(now);
				log(activity, now, true, "TaskQueue could not " + activity
						+ ": its tables do not match what its statements expect (missing or outdated), so the node "
						+ "backs off: " + DatabaseFailure.message(ex), ex);
			}
			case TRANSIENT -> log(activity, now, false,
					"TaskQueue could not " + activity + " this time, and tries again: " + DatabaseFailure.message(ex), ex);
			case DATA -> log(activity, now, true,
					"TaskQueue could not " + activity + ": " + DatabaseFailure.message(ex), ex);
		}
		return failure;
	}

	private void backOff(long now) {
		this.failures++;
		this.lastFailureNanos = now;
	}

	private void log(String activity, long now, boolean error, String message, RuntimeException ex) {
		Throttle throttle = this.throttles.computeIfAbsent(activity, (key) -> new Throttle());
		if (throttle.logged && now - throttle.lastLoggedNanos < LOG_INTERVAL_NANOS) {
			throttle.suppressed++;
			return;
		}
		String repeats = (throttle.suppressed > 0)
				? " (and " + throttle.suppressed + " times more since this was last logged)" : "";
		throttle.logged = true;
		throttle.lastLoggedNanos = now;
		throttle.suppressed = 0;
		if (error) {
			logger.error(message + repeats, ex);
		}
		else {
			logger.warn(message + repeats, ex);
		}
	}

	/**
	 * Report that talking to the database worked.
	 */
	public synchronized void succeeded() {
		if (this.unreachable) {
			logger.info("TaskQueue reaches its database again after "
					+ Duration.ofNanos(this.nanoTime.getAsLong() - this.startedNanos).toMillis() + " ms");
			this.unreachable = false;
		}
		this.failures = 0;
	}

	/**
	 * Return how long to wait before trying again: doubling with each failure in a row that
	 * backs off, from half a second up to 5 seconds.
	 * @return the delay, zero while nothing backs off
	 */
	public synchronized Duration retryDelay() {
		if (this.failures == 0) {
			return Duration.ZERO;
		}
		long millis = FIRST_DELAY.toMillis() << Math.min(this.failures - 1, 10);
		return Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
	}

	/**
	 * Return whether to skip an attempt that is not urgent, because the last failure that
	 * backs off was less than {@link #retryDelay()} ago.
	 * @return whether to wait
	 */
	public synchronized boolean isBackingOff() {
		return this.failures > 0 && this.nanoTime.getAsLong() - this.lastFailureNanos < retryDelay().toNanos();
	}

	/** When an activity's failure was last logged, and how many were left out since. */
	private static final class Throttle {

		private boolean logged;

		private long lastLoggedNanos;

		private int suppressed;

	}

}

package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.store.TaskStore;

/**
 * The task counts shared by gauges, health and the operator's endpoint: read by one query at
 * most once per refresh interval, however many read them, and only when someone does.
 */
final class CachedTaskCounts {

	private final TaskStore store;

	private final Clock clock;

	private final long refreshNanos;

	private final Consumer<TaskCounts> onRead;

	private @Nullable TaskCounts counts;

	/** Why the last read failed, or {@code null} if it did not. */
	private @Nullable RuntimeException failure;

	private long readAtNanos;

	CachedTaskCounts(TaskStore store, Clock clock, Duration refreshInterval, Consumer<TaskCounts> onRead) {
		this.store = store;
		this.clock = clock;
		this.refreshNanos = refreshInterval.toNanos();
		this.onRead = onRead;
	}

	/**
	 * Return the counts, read anew if the last read is older than the refresh interval. A
	 * failed read is not tried again either before the interval passes: while the database
	 * is unreachable, every reader would otherwise wait for a connection timeout in turn.
	 * @return the counts
	 * @throws RuntimeException the failure of the last read, if it failed
	 */
	synchronized TaskCounts get() {
		if ((this.counts == null && this.failure == null) || System.nanoTime() - this.readAtNanos >= this.refreshNanos) {
			read();
		}
		RuntimeException failure = this.failure;
		if (failure != null) {
			throw failure;
		}
		return Objects.requireNonNull(this.counts);
	}

	private void read() {
		long start = System.nanoTime();
		TaskCounts counts;
		try {
			counts = this.store.countUnfinished(this.clock.instant());
		}
		catch (RuntimeException ex) {
			this.failure = ex;
			// From its end: a read that failed may have waited for a connection longer than the interval
			this.readAtNanos = System.nanoTime();
			return;
		}
		this.counts = counts;
		this.failure = null;
		this.readAtNanos = start;
		this.onRead.accept(counts);
	}

	/**
	 * Return the counts like {@link #get()}, or {@code null} if the last read failed: for
	 * gauges, which report no value then.
	 * @return the counts, or {@code null}
	 */
	@Nullable TaskCounts getIfAvailable() {
		try {
			return get();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}

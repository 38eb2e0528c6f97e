package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
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

	private long readAtNanos;

	CachedTaskCounts(TaskStore store, Clock clock, Duration refreshInterval, Consumer<TaskCounts> onRead) {
		this.store = store;
		this.clock = clock;
		this.refreshNanos = refreshInterval.toNanos();
		this.onRead = onRead;
	}

	/**
	 * Return the counts, read anew if the last read is older than the refresh interval.
	 * @return the counts
	 * @throws RuntimeException if they had to be read and could not be
	 */
	synchronized TaskCounts get() {
		long now = System.nanoTime();
		TaskCounts counts = this.counts;
		if (counts == null || now - this.readAtNanos >= this.refreshNanos) {
			counts = this.store.countUnfinished(this.clock.instant());
			this.counts = counts;
			this.readAtNanos = now;
			this.onRead.accept(counts);
		}
		return counts;
	}

	/**
	 * Return the counts like {@link #get()}, or {@code null} if they cannot be read: for
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

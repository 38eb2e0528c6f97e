package dev.taskqueue.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A read shared by gauges, health and the operator's endpoint, such as the task counts or the
 * live nodes: made at most once per refresh interval, however many ask for it, and only when
 * someone does.
 *
 * @param <T> what it reads
 */
final class CachedRead<T> {

	private final Supplier<T> read;

	private final long refreshNanos;

	private final Consumer<T> onRead;

	private @Nullable T value;

	/** Why the last read failed, or {@code null} if it did not. */
	private @Nullable RuntimeException failure;

	private long readAtNanos;

	CachedRead(Supplier<T> read, Duration refreshInterval, Consumer<T> onRead) {
		this.read = read;
		this.refreshNanos = refreshInterval.toNanos();
		this.onRead = onRead;
	}

	/**
	 * Return the value, read anew if the last read is older than the refresh interval. A
	 * failed read is not tried again either before the interval passes: while the database
	 * is unreachable, every reader would otherwise wait for a connection timeout in turn.
	 * @return the value
	 * @throws RuntimeException the failure of the last read, if it failed
	 */
	synchronized T get() {
		if ((this.value == null && this.failure == null) || System.nanoTime() - this.readAtNanos >= this.refreshNanos) {
			read();
		}
		RuntimeException failure = this.failure;
		if (failure != null) {
			throw failure;
		}
		return Objects.requireNonNull(this.value);
	}

	private void read() {
		long start = System.nanoTime();
		T value;
		try {
			value = this.read.get();
		}
		catch (RuntimeException ex) {
			this.failure = ex;
			// From its end: a read that failed may have waited for a connection longer than the interval
			this.readAtNanos = System.nanoTime();
			return;
		}
		this.value = value;
		this.failure = null;
		this.readAtNanos = start;
		this.onRead.accept(value);
	}

	/**
	 * Return the value like {@link #get()}, or {@code null} if the last read failed: for
	 * gauges, which report no value then.
	 * @return the value, or {@code null}
	 */
	@Nullable T getIfAvailable() {
		try {
			return get();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}

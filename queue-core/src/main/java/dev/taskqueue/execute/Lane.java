package dev.taskqueue.execute;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Worker slots set aside for some queues: tasks of these queues run on at most
 * {@code concurrency} threads at once, however busy other lanes are, so that a slow queue
 * never starves a fast one.
 * <p>
 * A lane also holds the tasks claimed for it ahead of its free slots, in claim order, and
 * starts them as slots free. It tells how many it expects to start within a horizon from the
 * recent durations of its handlers, so that only quick work is claimed ahead.
 *
 * @since 0.1.0
 */
public final class Lane {

	/** Weight of the latest duration in the running mean: about the last eight count. */
	private static final int MEAN_WEIGHT = 8;

	private final List<String> queues;

	private final int concurrency;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** Claimed but not started, in claim order; guarded by this lane. */
	private final Deque<RunningTask> buffered = new ArrayDeque<>();

	/** Slots taken for buffered tasks whose threads have not picked them yet; guarded by this. */
	private int reserved;

	/** Running mean of handler durations, 0 while none has ended; written under this lane's lock. */
	private volatile long meanNanos;

	/**
	 * Create a lane.
	 * @param queues the queues whose tasks run in it
	 * @param concurrency how many of them run at once
	 */
	public Lane(List<String> queues, int concurrency) {
		Assert.notEmpty(queues, "'queues' must not be empty");
		Assert.isTrue(concurrency > 0, () -> "Concurrency of queues " + queues + " must be positive");
		this.queues = List.copyOf(queues);
		this.concurrency = concurrency;
	}

	/**
	 * Return the queues whose tasks run in this lane.
	 * @return the queue names
	 */
	public List<String> queues() {
		return this.queues;
	}

	/**
	 * Return how many tasks run at once at most.
	 * @return the concurrency
	 */
	public int concurrency() {
		return this.concurrency;
	}

	/**
	 * Return how many more tasks can start now.
	 * @return the free slots
	 */
	public int freeSlots() {
		return this.concurrency - this.inFlight.get();
	}

	/**
	 * Return how many tasks run now.
	 * @return the running tasks
	 */
	public int active() {
		return this.inFlight.get();
	}

	/**
	 * Return how many claimed tasks wait for a slot.
	 * @return the buffered tasks
	 */
	public synchronized int buffered() {
		return this.buffered.size();
	}

	/**
	 * Return how many tasks this lane expects to start within the horizon once its slots are
	 * busy: each slot frees once per mean handler duration. None while no handler has ended,
	 * and none when handlers take longer than the horizon times the slots.
	 * @param horizon how far ahead to look
	 * @param max the most to return
	 * @return the expected starts, from 0 to {@code max}
	 */
	public int expectedStarts(Duration horizon, int max) {
		long mean = this.meanNanos;
		if (mean <= 0) {
			return 0;
		}
		double starts = (double) this.concurrency * horizon.toNanos() / mean;
		return (int) Math.min(max, starts);
	}

	synchronized void buffer(RunningTask task) {
		this.buffered.addLast(task);
	}

	/**
	 * Takes a free slot for a buffered task that no taken slot waits for yet; the thread
	 * given the slot picks the task when it runs. Returns whether it took one.
	 */
	synchronized boolean reserve() {
		if (this.buffered.size() <= this.reserved || freeSlots() <= 0) {
			return false;
		}
		this.inFlight.incrementAndGet();
		this.reserved++;
		return true;
	}

	/**
	 * Takes the next buffered task into a reserved slot, or frees the slot if none is left
	 * (dropped or cancelled meanwhile). Picking when the thread runs, not when it was asked
	 * for, starts tasks in claim order whichever thread wakes first.
	 */
	synchronized @Nullable RunningTask takeReserved() {
		this.reserved--;
		RunningTask next = this.buffered.pollFirst();
		if (next == null) {
			this.inFlight.decrementAndGet();
		}
		return next;
	}

	/**
	 * Records how long a handler took and frees its slot, or hands the slot straight to the
	 * next buffered task that no reserved slot waits for.
	 */
	synchronized @Nullable RunningTask releaseAndNext(long durationNanos) {
		long mean = this.meanNanos;
		long sample = Math.max(1, durationNanos);
		this.meanNanos = (mean <= 0) ? sample : mean + (sample - mean) / MEAN_WEIGHT;
		if (this.buffered.size() > this.reserved) {
			return this.buffered.pollFirst();
		}
		this.inFlight.decrementAndGet();
		return null;
	}

	/** Removes a task that has not started; returns whether it was waiting here. */
	synchronized boolean unbuffer(RunningTask task) {
		return this.buffered.remove(task);
	}

	/** Removes every task that has not started, in claim order. */
	synchronized List<RunningTask> drain() {
		List<RunningTask> drained = new ArrayList<>(this.buffered);
		this.buffered.clear();
		return drained;
	}

	@Override
	public String toString() {
		return this.queues + " (concurrency " + this.concurrency + ")";
	}

}

package dev.taskqueue.execute;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.util.Assert;

/**
 * Worker slots set aside for some queues: tasks of these queues run on at most
 * {@code concurrency} threads at once, however busy other lanes are, so that a slow queue
 * never starves a fast one.
 *
 * @since 0.1.0
 */
public final class Lane {

	private final List<String> queues;

	private final int concurrency;

	private final AtomicInteger inFlight = new AtomicInteger();

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

	void acquire(int slots) {
		this.inFlight.addAndGet(slots);
	}

	void release() {
		this.inFlight.decrementAndGet();
	}

	@Override
	public String toString() {
		return this.queues + " (concurrency " + this.concurrency + ")";
	}

}

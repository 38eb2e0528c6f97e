package dev.taskqueue.claim;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.util.Assert;

/**
 * How many more tasks a node may claim: without limit, or up to a number, and none once
 * closed. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class ClaimBudget {

	private final long limit;

	/** Tasks claimed, and those that claims under way may still get. */
	private final AtomicLong taken = new AtomicLong();

	private final AtomicLong claimed = new AtomicLong();

	private volatile boolean closed;

	private ClaimBudget(long limit) {
		this.limit = limit;
	}

	/**
	 * Return a budget without limit, until it is closed.
	 * @return the budget
	 */
	public static ClaimBudget unlimited() {
		return new ClaimBudget(Long.MAX_VALUE);
	}

	/**
	 * Return a budget of a number of tasks.
	 * @param tasks how many tasks may be claimed
	 * @return the budget
	 */
	public static ClaimBudget of(long tasks) {
		Assert.isTrue(tasks > 0, "'tasks' must be positive");
		return new ClaimBudget(tasks);
	}

	/**
	 * Take up to the given number of tasks from the budget for a claim.
	 * @param wanted how many tasks the claim would take
	 * @return how many it may take, from 0 to {@code wanted}
	 */
	int take(int wanted) {
		if (this.closed) {
			return 0;
		}
		long before = this.taken.getAndUpdate((taken) -> taken + Math.min(this.limit - taken, wanted));
		return (int) Math.min(this.limit - before, wanted);
	}

	/**
	 * Settle a claim: count the tasks it got and give back the rest of what it took.
	 * @param took what {@link #take(int)} gave the claim
	 * @param got how many tasks the claim got
	 */
	void settle(int took, int got) {
		this.claimed.addAndGet(got);
		this.taken.addAndGet(got - took);
	}

	/**
	 * Return how many more tasks claims may take now, besides those claims under way may
	 * still get.
	 * @return the tasks left, none once closed
	 */
	long left() {
		return this.closed ? 0 : this.limit - this.taken.get();
	}

	/**
	 * Claim nothing more.
	 */
	public void close() {
		this.closed = true;
	}

	/**
	 * Return whether as many tasks have been claimed as the budget allows.
	 * @return whether the budget is spent
	 */
	public boolean isSpent() {
		return this.claimed.get() >= this.limit;
	}

}

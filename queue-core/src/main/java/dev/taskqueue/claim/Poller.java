package dev.taskqueue.claim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.TaskScheduler;

import dev.taskqueue.complete.Completer;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.TaskStore;

/**
 * Claims ready tasks for the worker's free slots, one statement per queue and batch. It polls
 * every poll interval and whenever it is woken: by a local enqueue after commit, by another
 * node's notification, or by slots freeing while the queue still holds work. Wake-ups that
 * arrive during a claim are coalesced into one more claim.
 *
 * @since 0.1.0
 */
public final class Poller {

	private static final Log logger = LogFactory.getLog(Poller.class);

	private static final int IDLE = 0;

	private static final int POLLING = 1;

	private static final int POLL_AGAIN = 2;

	/** How many batches of outcomes may wait to be written before claims hold back. */
	private static final int MAX_PENDING_BATCHES = 10;

	private final TaskStore store;

	private final Worker worker;

	private final Completer completer;

	private final List<String> queues;

	private final int batchSize;

	private final Duration pollInterval;

	private final Duration lease;

	private final String workerId;

	private final Clock clock;

	private final TaskScheduler scheduler;

	private final AtomicInteger state = new AtomicInteger(IDLE);

	private final Object claiming = new Object();

	private volatile boolean saturated;

	private volatile boolean running;

	private boolean failing;

	private int nextQueue;

	private @Nullable ScheduledFuture<?> ticks;

	/**
	 * Create a poller.
	 * @param store the store
	 * @param worker the worker whose free slots it fills
	 * @param completer the completer, whose backlog holds claims back
	 * @param settings what and how to claim
	 * @param clock the clock
	 * @param scheduler the scheduler that runs polls, on a single thread
	 */
	public Poller(TaskStore store, Worker worker, Completer completer, PollerSettings settings, Clock clock,
			TaskScheduler scheduler) {
		this.store = store;
		this.worker = worker;
		this.completer = completer;
		this.queues = List.copyOf(settings.queues());
		this.batchSize = settings.batchSize();
		this.pollInterval = settings.pollInterval();
		this.lease = settings.lease();
		this.workerId = settings.workerId();
		this.clock = clock;
		this.scheduler = scheduler;
	}

	/**
	 * Start polling.
	 */
	public synchronized void start() {
		this.running = true;
		this.ticks = this.scheduler.scheduleWithFixedDelay(this::wake, this.pollInterval);
		wake();
	}

	/**
	 * Stop claiming. Returns once a claim under way has handed its tasks to the worker, so that
	 * stopping the worker next accounts for them.
	 */
	public synchronized void stop() {
		this.running = false;
		if (this.ticks != null) {
			this.ticks.cancel(false);
			this.ticks = null;
		}
		synchronized (this.claiming) {
			// nothing to do: entering waits for the claim under way
		}
	}

	/**
	 * Claim now, or once more after the claim under way.
	 */
	public void wake() {
		while (this.running) {
			int current = this.state.get();
			if (current == IDLE) {
				if (this.state.compareAndSet(IDLE, POLLING)) {
					this.scheduler.schedule(this::poll, Instant.EPOCH);
					return;
				}
			}
			else if (current == POLL_AGAIN || this.state.compareAndSet(POLLING, POLL_AGAIN)) {
				return;
			}
		}
	}

	/**
	 * Tell the poller a worker slot is free: it claims again if the queue still held work at
	 * its last claim and enough slots are free to make a batch worth a transaction.
	 */
	public void slotFreed() {
		if (this.saturated && this.worker.freeSlots() >= refillThreshold()) {
			wake();
		}
	}

	private int refillThreshold() {
		return Math.max(1, Math.min(this.worker.concurrency(), this.batchSize) / 2);
	}

	private void poll() {
		do {
			this.state.set(POLLING);
			synchronized (this.claiming) {
				while (this.running && claimOnce()) {
					// a full batch: there is more waiting, claim again at once
				}
			}
		}
		while (!this.state.compareAndSet(POLLING, IDLE));
	}

	/**
	 * Claim for the free slots across the queues, starting with a different queue each time.
	 * @return whether a full batch came back and slots are still free
	 */
	private boolean claimOnce() {
		int free = this.worker.freeSlots();
		if (free <= 0 || this.completer.pending() > this.batchSize * MAX_PENDING_BATCHES) {
			this.saturated = true;
			return false;
		}
		boolean full = false;
		try {
			int start = this.nextQueue++;
			for (int i = 0; i < this.queues.size() && free > 0; i++) {
				String queue = this.queues.get(Math.floorMod(start + i, this.queues.size()));
				int limit = Math.min(free, this.batchSize);
				Instant now = this.clock.instant();
				List<ClaimedTask> claimed = this.store.claim(queue, limit, this.workerId, now, now.plus(this.lease));
				this.worker.run(claimed);
				free -= claimed.size();
				full |= claimed.size() == limit;
			}
			if (this.failing) {
				logger.info("Claiming tasks again");
				this.failing = false;
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("Could not claim tasks; retrying every " + this.pollInterval, ex);
				this.failing = true;
			}
			return false;
		}
		this.saturated = full || free <= 0;
		return full && free > 0;
	}

}

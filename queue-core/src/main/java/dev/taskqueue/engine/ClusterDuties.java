package dev.taskqueue.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * The work a node does under its worker id rather than under a claim: firing schedules and
 * polling daemons. Ending them waits for a run already under way, so that once a node has
 * given its id up none of them writes under it any more; cancelling the timer alone would let
 * a fire that had begun insert its tasks afterwards.
 */
final class ClusterDuties {

	private static final Log logger = LogFactory.getLog(ClusterDuties.class);

	private final List<ScheduledFuture<?>> timers = new ArrayList<>();

	/** Held shared by each run, exclusively by {@link #end}. */
	private final ReadWriteLock running = new ReentrantReadWriteLock();

	private volatile boolean ended;

	/**
	 * Run a duty with a fixed delay between runs until {@link #end} is called.
	 * @param scheduler the node's scheduler
	 * @param duty the duty
	 * @param delay the delay between the end of one run and the start of the next
	 */
	void schedule(TaskScheduler scheduler, Runnable duty, Duration delay) {
		this.timers.add(scheduler.scheduleWithFixedDelay(() -> run(duty), delay));
	}

	private void run(Runnable duty) {
		this.running.readLock().lock();
		try {
			if (!this.ended) {
				duty.run();
			}
		}
		finally {
			this.running.readLock().unlock();
		}
	}

	/**
	 * Start no more runs, and wait for one under way to end.
	 * @param timeout how long to wait for it
	 */
	void end(Duration timeout) {
		this.ended = true;
		this.timers.forEach((timer) -> timer.cancel(false));
		try {
			if (this.running.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.running.writeLock().unlock();
			}
			else {
				logger.warn("A schedule firing or daemon poll still runs after " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.taskqueue.complete;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;

/**
 * Records outcomes in batches: a single thread takes every outcome waiting and writes them in
 * one transaction, so that the database commits far less often than tasks finish. Children of
 * succeeded tasks are released in that same transaction.
 * <p>
 * While the database is unreachable the batch is kept and written again. Outcomes still
 * unwritten when the node stops are lost and their tasks stay RUNNING; taking such tasks back
 * when their lease has expired is the job of lease rescue.
 *
 * @since 0.1.0
 */
public final class Completer {

	private static final Log logger = LogFactory.getLog(Completer.class);

	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(1);

	private final TaskStore store;

	private final Clock clock;

	private final int maxBatch;

	private final DatabaseOutage outage;

	private final Listener listener;

	private final BlockingQueue<TaskOutcome> outcomes = new LinkedBlockingQueue<>();

	private volatile boolean running;

	/** The size of the batch being written, kept while the database is unreachable. */
	private volatile int writing;

	private volatile long stopDeadline = Long.MAX_VALUE;

	private @Nullable Thread thread;

	/**
	 * Create a completer.
	 * @param store the store
	 * @param clock the clock
	 * @param maxBatch the most outcomes one transaction writes
	 * @param outage where database failures are reported, and how long to wait before
	 * writing again
	 * @param listener told of each written batch
	 */
	public Completer(TaskStore store, Clock clock, int maxBatch, DatabaseOutage outage, Listener listener) {
		this.store = store;
		this.clock = clock;
		this.maxBatch = maxBatch;
		this.outage = outage;
		this.listener = listener;
	}

	/**
	 * Queue an outcome to be written.
	 * @param outcome the outcome
	 */
	public void submit(TaskOutcome outcome) {
		this.outcomes.add(outcome);
	}

	/**
	 * Return how many outcomes wait to be written.
	 * @return the number of outcomes
	 */
	public int pending() {
		return this.outcomes.size() + this.writing;
	}

	/**
	 * Start writing outcomes on a thread of its own.
	 * @param threadName the thread's name
	 */
	public synchronized void start(String threadName) {
		this.running = true;
		this.stopDeadline = Long.MAX_VALUE;
		Thread thread = new Thread(this::run, threadName);
		thread.setDaemon(true);
		thread.start();
		this.thread = thread;
	}

	/**
	 * Write what is waiting, then stop.
	 * @param timeout how long to keep trying to write while the database fails
	 */
	public void stop(Duration timeout) {
		Thread thread;
		synchronized (this) {
			thread = this.thread;
			this.thread = null;
		}
		if (thread == null) {
			return;
		}
		this.stopDeadline = System.nanoTime() + timeout.toNanos();
		this.running = false;
		try {
			thread.join(timeout.toMillis() + this.outage.retryDelay().toMillis() + 1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.outcomes.isEmpty()) {
			logger.warn(this.outcomes.size() + " task outcomes could not be written before shutdown; "
					+ "their tasks stay RUNNING until rescued");
			this.outcomes.clear();
		}
	}

	private void run() {
		while (this.running || !this.outcomes.isEmpty()) {
			try {
				TaskOutcome first = this.outcomes.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					List<TaskOutcome> batch = new ArrayList<>(Math.min(this.maxBatch, this.outcomes.size() + 1));
					batch.add(first);
					this.outcomes.drainTo(batch, this.maxBatch - 1);
					if (!write(batch)) {
						return;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private boolean write(List<TaskOutcome> batch) throws InterruptedException {
		this.writing = batch.size();
		try {
			return writeUntilWritten(batch);
		}
		finally {
			this.writing = 0;
		}
	}

	private boolean writeUntilWritten(List<TaskOutcome> batch) throws InterruptedException {
		while (true) {
			try {
				boolean released = this.store.complete(batch, this.clock.instant());
				this.outage.succeeded();
				this.listener.written(batch, released);
				return true;
			}
			catch (RuntimeException ex) {
				this.outage.failed("write " + batch.size() + " task outcomes", ex);
				if (System.nanoTime() > this.stopDeadline) {
					this.outcomes.addAll(batch);
					return false;
				}
				// Soon, whatever the outage's backoff: the leases of these tasks are running out
				TimeUnit.MILLISECONDS.sleep(Math.min(this.outage.retryDelay().toMillis(), MAX_RETRY_DELAY.toMillis()));
			}
		}
	}

	/**
	 * Told of each batch of outcomes written.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called after a batch was written. Outcomes of attempts that were no longer current
		 * (cancelled or taken back) are part of the batch but changed nothing.
		 * @param batch the outcomes
		 * @param releasedChildren whether succeeded tasks had waiting children, some of which
		 * may now be ready
		 */
		void written(List<TaskOutcome> batch, boolean releasedChildren);

	}

}

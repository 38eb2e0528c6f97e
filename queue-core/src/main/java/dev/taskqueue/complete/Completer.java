package dev.taskqueue.complete;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskMdc;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.DatabaseFailure;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.ProgressReport;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;

/**
 * Records outcomes in batches: a single thread takes every outcome waiting and writes them in
 * one transaction, so that the database commits far less often than tasks finish. Children of
 * succeeded tasks are released in that same transaction. Failed attempts are logged once the
 * store has recorded them. An attempt's last progress report, if the node had not written it
 * yet, is written just before the batch, while the attempt still holds its claim; a report the
 * database refuses is dropped, and its outcome written all the same.
 * <p>
 * If the database refuses a batch (a value it cannot store, say), each outcome is written on
 * its own, and one refused on its own fails its task with the database's message instead, so
 * that one bad outcome never holds up the others. While the database is unreachable, or its
 * tables do not match, the batch is kept and written again. Outcomes still unwritten when the
 * node stops are lost and their tasks stay RUNNING; taking such tasks back when their lease
 * has expired is the job of lease rescue.
 *
 * @since 0.1.0
 */
public final class Completer {

	private static final Log logger = LogFactory.getLog(Completer.class);

	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(1);

	/** How often a conflict, such as a deadlock, may fail one write before it counts as refused. */
	private static final int MAX_CONFLICTS = 3;

	/** The wait after a conflict, which does not back off like an outage. */
	private static final Duration CONFLICT_RETRY_DELAY = Duration.ofMillis(100);

	private final TaskStore store;

	private final Clock clock;

	private final int maxBatch;

	private final DatabaseOutage outage;

	private final Listener listener;

	private final BlockingQueue<Submitted> outcomes = new LinkedBlockingQueue<>();

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
	 * @param task the claimed task, for the log and the listener
	 * @param timedOut whether the attempt outlived its timeout
	 * @param progress the attempt's last progress report if it was not written yet, written
	 * just before the outcome, or {@code null}
	 */
	public void submit(TaskOutcome outcome, ClaimedTask task, boolean timedOut, @Nullable ProgressReport progress) {
		this.outcomes.add(new Submitted(outcome, task, timedOut, progress));
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
				Submitted first = this.outcomes.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					List<Submitted> batch = new ArrayList<>(Math.min(this.maxBatch, this.outcomes.size() + 1));
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

	private boolean write(List<Submitted> batch) throws InterruptedException {
		this.writing = batch.size();
		try {
			return writeUntilWritten(batch);
		}
		finally {
			this.writing = 0;
		}
	}

	private boolean writeUntilWritten(List<Submitted> batch) throws InterruptedException {
		List<Submitted> unwritten = new ArrayList<>(batch);
		while (true) {
			// Before the outcomes, which end the claims the progress is written under
			writeProgress(unwritten.stream().map(Submitted::progress).filter(Objects::nonNull).toList());
			try {
				if (unwritten.size() == 1 || tryWrite(unwritten) != null) {
					// Refused together: each on its own, so that only those refused on their own fail
					writeEach(unwritten);
				}
				return true;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > this.stopDeadline) {
					this.outcomes.addAll(unwritten);
					return false;
				}
				// Soon, whatever the outage's backoff: the leases of these tasks are running out
				TimeUnit.MILLISECONDS.sleep(Math.min(this.outage.retryDelay().toMillis(), MAX_RETRY_DELAY.toMillis()));
			}
		}
	}

	/** Writes each outcome in a transaction of its own, removing it from the list once written. */
	private void writeEach(List<Submitted> unwritten) throws InterruptedException {
		for (Iterator<Submitted> outcomes = unwritten.iterator(); outcomes.hasNext();) {
			writeAlone(outcomes.next());
			outcomes.remove();
		}
	}

	/**
	 * Writes one outcome; if the database refuses it, fails its task with a message saying
	 * why instead. If it refuses that too, the task stays RUNNING until its lease lapses and
	 * the rescue takes it back.
	 */
	private void writeAlone(Submitted submitted) throws InterruptedException {
		RuntimeException refused = tryWrite(List.of(submitted));
		if (refused == null) {
			return;
		}
		TaskOutcome outcome = submitted.outcome();
		String type = submitted.task().type();
		String message = "TaskQueue could not store the outcome of attempt " + outcome.attempt() + ": "
				+ DatabaseFailure.message(refused);
		TaskOutcome.Failed failed = new TaskOutcome.Failed(outcome.id(), outcome.attempt(), outcome.claimToken(),
				outcome.jobId(), message, message, null);
		if (tryWrite(List.of(new Submitted(failed, submitted.task(), false, null))) != null) {
			try (TaskMdc.Scope mdc = TaskMdc.put(outcome.id(), type, outcome.attempt(), outcome.jobId())) {
				logger.error("TaskQueue could not store the outcome of attempt " + outcome.attempt() + " of task "
						+ outcome.id() + " (type '" + type + "'), nor its failure; the task stays "
						+ "RUNNING until its lease expires and it is taken back");
			}
		}
	}

	/**
	 * Writes outcomes in one transaction, again after a conflict such as a deadlock.
	 * @return {@code null} once written, or the failure of a database that refused them
	 * @throws RuntimeException the failure of a database that cannot be reached or whose
	 * tables do not match: worth writing again later
	 */
	private @Nullable RuntimeException tryWrite(List<Submitted> submitted) throws InterruptedException {
		List<TaskOutcome> batch = submitted.stream().map(Submitted::outcome).toList();
		for (int conflicts = 1;; conflicts++) {
			try {
				Completion completion = this.store.complete(batch, this.clock.instant());
				this.outage.succeeded();
				recorded(submitted, completion.current());
				this.listener.written(batch, completion.mayBeReady());
				return null;
			}
			catch (RuntimeException ex) {
				DatabaseFailure failure = this.outage.failed("write task outcomes", ex);
				if (failure == DatabaseFailure.CONNECTION || failure == DatabaseFailure.SCHEMA) {
					throw ex;
				}
				if (failure == DatabaseFailure.DATA || conflicts == MAX_CONFLICTS) {
					return ex;
				}
				TimeUnit.MILLISECONDS.sleep(CONFLICT_RETRY_DELAY.toMillis());
			}
		}
	}

	/**
	 * Writes the attempts' last progress, each report on its own if the database refuses them
	 * together. A report it refuses is dropped: progress never decides an outcome. Logged
	 * without the database's message, which may quote the task's row.
	 */
	private void writeProgress(List<ProgressReport> progress) {
		if (progress.isEmpty()) {
			return;
		}
		try {
			this.store.writeProgress(progress);
		}
		catch (RuntimeException ex) {
			DatabaseFailure failure = DatabaseFailure.of(ex);
			if (failure == DatabaseFailure.DATA && progress.size() > 1) {
				progress.forEach((report) -> writeProgress(List.of(report)));
			}
			else if (failure == DatabaseFailure.CONNECTION || failure == DatabaseFailure.SCHEMA) {
				// The outcomes fail alike, and are written again after their progress
				logger.debug("Could not write the last progress of " + progress.size() + " task attempts (" + failure
						+ ")");
			}
			else {
				logger.warn("Could not write the last progress of " + progress.size() + " task attempts (" + failure
						+ "); their outcomes are written without it");
			}
		}
	}

	/**
	 * Tells the listener of each outcome of an attempt that was current, and logs the failed
	 * ones.
	 */
	private void recorded(List<Submitted> submitted, List<TaskOutcome> current) {
		Map<UUID, Submitted> byTask = new HashMap<>();
		submitted.forEach((outcome) -> byTask.put(outcome.outcome().id(), outcome));
		for (TaskOutcome outcome : current) {
			Submitted attempt = byTask.get(outcome.id());
			// The store may have recorded a failure in place of the outcome: that one did not time out
			boolean timedOut = attempt.timedOut() && outcome.equals(attempt.outcome());
			this.listener.recorded(attempt.task(), outcome, timedOut);
			if (outcome instanceof TaskOutcome.Failed failed) {
				FailureLog.recorded(attempt.task().type(), failed);
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
		 * (cancelled or taken back) are part of the batch but changed nothing. An outcome
		 * the database refused comes as the failure written in its place.
		 * @param batch the outcomes
		 * @param releasedChildren whether succeeded tasks had waiting children, some of which
		 * may now be ready
		 */
		void written(List<TaskOutcome> batch, boolean releasedChildren);

		/**
		 * Called for each outcome the store recorded, its attempt being still current,
		 * before {@link #written} is called for its batch. Outcomes of attempts cancelled
		 * or taken back are not recorded and never come here.
		 * @param task the claimed task
		 * @param outcome the outcome as recorded: a failure in place of the outcome the
		 * store could not record
		 * @param timedOut whether the attempt outlived its timeout
		 */
		default void recorded(ClaimedTask task, TaskOutcome outcome, boolean timedOut) {
		}

	}

	/** An outcome waiting to be written, with its task's claim and its unwritten progress. */
	private record Submitted(TaskOutcome outcome, ClaimedTask task, boolean timedOut,
			@Nullable ProgressReport progress) {
	}

}

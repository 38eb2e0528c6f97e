package dev.taskqueue.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.TaskScheduler;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.jdbc.JdbcLeaseStore;
import dev.taskqueue.store.jdbc.JdbcRetentionStore;
import dev.taskqueue.store.jdbc.JdbcRetentionStore.Deleted;

/**
 * Deletes finished tasks and jobs once their {@link RetentionPolicy retention} is over, in
 * rounds: each round deletes batches until nothing is left or its time budget is spent, and
 * the next starts after the interval, or, when the budget cut the round short, after the
 * pause, so that a backlog is deleted in bursts that leave the database to claims and
 * completions most of the time (a tenth of one connection's time with the defaults). Only the node holding the {@value #LEASE} lease deletes; it renews the lease each
 * round, and another node takes it over once it lapses. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class RetentionSweeper {

	/** The name of the lease that the deleting node holds. */
	public static final String LEASE = "retention";

	private static final Log logger = LogFactory.getLog(RetentionSweeper.class);

	private static final List<TaskStatus> FINAL = List.of(TaskStatus.SUCCEEDED, TaskStatus.FAILED,
			TaskStatus.CANCELLED);

	private final JdbcRetentionStore store;

	private final JdbcLeaseStore leases;

	private final RetentionPolicy policy;

	private final Settings settings;

	private final String holder;

	private final Clock clock;

	private final DatabaseOutage outage;

	private final TaskQueueMetrics metrics;

	private volatile @Nullable TaskScheduler scheduler;

	private volatile @Nullable ScheduledFuture<?> next;

	/** Held while a round runs, so that stopping waits for the round's current batch. */
	private final Object rounds = new Object();

	private volatile boolean stopped;

	private volatile boolean holding;

	/** Whether the lease is kept on stop: another node holds it under this node's id. */
	private volatile boolean abandoned;

	/**
	 * Create a sweeper.
	 * @param store deletes the rows
	 * @param leases holds the lease
	 * @param policy how long finished tasks are kept
	 * @param settings the batch size, interval and time budget
	 * @param holder this node's name, as the lease's holder
	 * @param clock the database's clock
	 * @param outage where database failures are reported
	 * @param metrics counts what was deleted
	 */
	public RetentionSweeper(JdbcRetentionStore store, JdbcLeaseStore leases, RetentionPolicy policy,
			Settings settings, String holder, Clock clock, DatabaseOutage outage, TaskQueueMetrics metrics) {
		this.store = store;
		this.leases = leases;
		this.policy = policy;
		this.settings = settings;
		this.holder = holder;
		this.clock = clock;
		this.outage = outage;
		this.metrics = metrics;
	}

	/**
	 * Start the rounds, the first after one interval.
	 * @param scheduler runs them, on the database's clock
	 */
	public void start(TaskScheduler scheduler) {
		this.scheduler = scheduler;
		this.stopped = false;
		scheduleNext(this.settings.interval());
	}

	/**
	 * Stop the rounds. Returns once a round running now has stopped after its current batch,
	 * so that nothing is deleted after this node stopped, then hands the lease back, so that
	 * another node deletes from now on.
	 */
	public void stop() {
		this.stopped = true;
		ScheduledFuture<?> next = this.next;
		if (next != null) {
			next.cancel(false);
		}
		synchronized (this.rounds) {
			// nothing to do: entering waits for the round under way
		}
		if (this.holding && !this.abandoned) {
			this.holding = false;
			try {
				this.leases.release(LEASE, this.holder, this.clock.instant());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not hand the retention lease back; another node takes it once it lapses", ex);
			}
		}
	}

	/**
	 * Stop the rounds without handing the lease back: another node took this node's id over,
	 * and holds the lease under that id.
	 */
	public void abandon() {
		this.abandoned = true;
		stop();
	}

	/**
	 * Run one round now, if this node holds, or can take, the lease, and has not stopped.
	 * @return whether the time budget cut the round short, with more to delete
	 */
	public boolean runRound() {
		synchronized (this.rounds) {
			return !this.stopped && deleteRound();
		}
	}

	private boolean deleteRound() {
		Instant now = this.clock.instant();
		this.holding = this.leases.take(LEASE, this.holder, now, now.plus(this.settings.leaseLength()));
		if (!this.holding) {
			return false;
		}
		Round round = new Round(System.nanoTime() + this.settings.timeBudget().toNanos());
		for (TaskStatus status : FINAL) {
			Duration period = this.policy.period(status);
			Map<String, Duration> overrides = this.policy.overrides(status);
			if (!RetentionPolicy.isForever(period)) {
				round.tasks(status, now.minus(period), null, overrides.keySet());
			}
			overrides.forEach((type, typePeriod) -> {
				if (!RetentionPolicy.isForever(typePeriod)) {
					round.tasks(status, now.minus(typePeriod), type, Set.of());
				}
			});
			if (!RetentionPolicy.isForever(period)) {
				round.jobs(JobStatus.valueOf(status.name()), now.minus(period));
			}
		}
		if (round.tasks > 0 || round.jobs > 0) {
			logger.info("Retention deleted " + round.tasks + " finished tasks and " + round.jobs + " finished jobs in "
					+ Duration.ofNanos(System.nanoTime() - round.started).toMillis() + " ms"
					+ (round.cutShort ? "; more to delete" : ""));
		}
		return round.cutShort;
	}

	private void run() {
		if (this.stopped) {
			return;
		}
		Duration delay = this.settings.interval();
		try {
			if (!this.outage.isBackingOff()) {
				if (runRound()) {
					delay = this.settings.pause();
				}
				this.outage.succeeded();
			}
		}
		catch (RuntimeException ex) {
			this.outage.failed("delete finished tasks whose retention is over", ex);
		}
		finally {
			scheduleNext(delay);
		}
	}

	private void scheduleNext(Duration delay) {
		TaskScheduler scheduler = this.scheduler;
		if (!this.stopped && scheduler != null) {
			this.next = scheduler.schedule(this::run, this.clock.instant().plus(delay));
		}
	}

	/**
	 * How a sweeper deletes.
	 *
	 * @param batchSize the most rows one batch deletes
	 * @param interval how long after a round that deleted everything due the next starts
	 * @param timeBudget how long a round deletes at most, before it stops after its current
	 * batch
	 * @param pause how long after a round that its time budget cut short the next starts
	 */
	public record Settings(int batchSize, Duration interval, Duration timeBudget, Duration pause) {

		/**
		 * The lease lasts twice the longer of interval and pause past a round's budget, so
		 * that the node that holds it renews it before it lapses while it lives.
		 * @return how long a round takes the lease for
		 */
		Duration leaseLength() {
			Duration between = (this.interval.compareTo(this.pause) >= 0) ? this.interval : this.pause;
			return between.multipliedBy(2).plus(this.timeBudget);
		}

	}

	/** What one round deleted, and until when it may go on. */
	private final class Round {

		private final long started = System.nanoTime();

		private final long deadline;

		private int tasks;

		private int jobs;

		private boolean cutShort;

		Round(long deadline) {
			this.deadline = deadline;
		}

		void tasks(TaskStatus status, Instant finishedBefore, @Nullable String type, Collection<String> otherTypes) {
			int batchSize = RetentionSweeper.this.settings.batchSize();
			Deleted deleted;
			do {
				if (!timeLeft()) {
					return;
				}
				deleted = RetentionSweeper.this.store.deleteTasks(status, finishedBefore, type, otherTypes, batchSize);
				count(deleted);
			}
			while (deleted.tasks() == batchSize);
		}

		void jobs(JobStatus status, Instant finishedBefore) {
			int batchSize = RetentionSweeper.this.settings.batchSize();
			if (!timeLeft()) {
				return;
			}
			List<UUID> expired = RetentionSweeper.this.store.expiredJobs(status, finishedBefore, batchSize);
			for (UUID job : expired) {
				Deleted deleted;
				do {
					if (!timeLeft()) {
						return;
					}
					deleted = RetentionSweeper.this.store.deleteJobBatch(job, status, finishedBefore, batchSize);
					count(deleted);
				}
				while (deleted.tasks() > 0);
			}
			// A full list leaves more for a round that comes soon
			this.cutShort |= expired.size() == batchSize;
		}

		/** Counted batch by batch, so that a round that fails later loses no count. */
		private void count(Deleted deleted) {
			this.tasks += deleted.tasks();
			this.jobs += deleted.jobs();
			RetentionSweeper.this.metrics.deleted("task", deleted.tasks());
			RetentionSweeper.this.metrics.deleted("job", deleted.jobs());
		}

		private boolean timeLeft() {
			if (RetentionSweeper.this.stopped || System.nanoTime() - this.deadline >= 0) {
				this.cutShort = true;
				return false;
			}
			return true;
		}

	}

}

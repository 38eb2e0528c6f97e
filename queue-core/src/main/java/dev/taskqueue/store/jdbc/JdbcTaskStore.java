package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JobState;
import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.ParentTask;
import dev.taskqueue.store.ProgressReport;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The {@link TaskStore} on a JDBC DataSource, with the SQL of its {@link Dialect}. Writes an
 * application makes (enqueue, cancel, retry) join the caller's Spring transaction on the same
 * DataSource; claims and completions are short transactions of their own, each for a whole
 * batch of tasks.
 *
 * @since 0.1.0
 */
public final class JdbcTaskStore implements TaskStore {

	/**
	 * The payload prefix of a notification that a running task was cancelled; the task id
	 * follows. Other notifications name the node whose tasks became ready.
	 */
	public static final String CANCEL_PREFIX = "cancel:";

	private final TaskInserts inserts;

	private final TaskClaims claims;

	private final TaskCompletions completions;

	private final TaskReads reads;

	private final CancelAndRetry cancelAndRetry;

	private final JobSettlement settlement;

	private final Jobs jobs;

	/**
	 * Create a store.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables, {@code TQ_} by default
	 * @param codec reads stored JSON
	 * @param nodeId the node's name, sent with its notifications so that it can ignore its own
	 * @param metrics counts the tasks it inserts and cancels
	 */
	public JdbcTaskStore(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec,
			String nodeId, TaskQueueMetrics metrics) {
		JdbcSupport support = new JdbcSupport(dataSource, dialect, tablePrefix, codec, nodeId, metrics);
		this.inserts = new TaskInserts(support);
		this.claims = new TaskClaims(support);
		this.reads = new TaskReads(support);
		this.cancelAndRetry = new CancelAndRetry(support, this.inserts);
		this.settlement = new JobSettlement(support, this.inserts, this.reads);
		this.completions = new TaskCompletions(support, this.inserts, this.settlement);
		this.jobs = new Jobs(support, this.inserts, this.reads, this.cancelAndRetry);
	}

	/**
	 * Return the channel on which this store announces ready tasks, for databases that
	 * notify.
	 * @param tablePrefix the table prefix
	 * @return the channel name
	 */
	public static String channel(String tablePrefix) {
		return (tablePrefix + "task").toLowerCase(Locale.ROOT);
	}

	@Override
	public List<UUID> insert(List<NewTask> tasks, boolean wakeOtherNodes) {
		return this.inserts.insert(tasks, wakeOtherNodes);
	}

	@Override
	public List<ClaimedTask> claim(String queue, int limit, String worker, Instant now, Instant leaseUntil) {
		return this.claims.claim(queue, limit, worker, now, leaseUntil);
	}

	@Override
	public boolean canInsertAndClaim(List<NewTask> tasks) {
		return this.inserts.canInsertAndClaim(tasks);
	}

	@Override
	public @Nullable List<ClaimedTask> insertAndClaim(List<NewTask> tasks, String queue, int limit, String worker,
			Instant now, Instant leaseUntil) {
		return this.inserts.insertAndClaim(tasks, this.claims, queue, limit, worker, now, leaseUntil);
	}

	@Override
	public Completion complete(List<TaskOutcome> outcomes, Instant now) {
		return this.completions.complete(outcomes, now);
	}

	@Override
	public Set<UUID> renew(Collection<ClaimedTask> tasks, String worker, Instant leaseUntil) {
		return this.claims.renew(tasks, worker, leaseUntil);
	}

	@Override
	public int writeProgress(List<ProgressReport> reports) {
		return this.claims.writeProgress(reports);
	}

	@Override
	public int rescue(Instant now, int limit, Function<ClaimedTask, TaskOutcome.Failed> failure) {
		return this.completions.rescue(now, limit, failure);
	}

	@Override
	public TaskCounts countUnfinished(Instant now) {
		return this.reads.countUnfinished(now);
	}

	@Override
	public Set<UUID> finished(Collection<UUID> ids) {
		return this.reads.finished(ids);
	}

	@Override
	public int handBack(Collection<ClaimedTask> tasks, String worker) {
		return this.claims.handBack(tasks, worker);
	}

	@Override
	public Optional<TaskState> find(UUID id) {
		return this.reads.find(id);
	}

	@Override
	public boolean cancel(UUID id, Instant now) {
		return this.cancelAndRetry.cancel(id, now);
	}

	@Override
	public boolean retry(UUID id, Instant now) {
		return this.cancelAndRetry.retry(id, now);
	}

	@Override
	public List<ParentTask> parents(UUID childId) {
		return this.reads.parents(childId);
	}

	@Override
	public List<UUID> startJob(NewJob job) {
		return this.jobs.startJob(job);
	}

	@Override
	public List<UUID> addToJob(UUID jobId, List<NewTask> tasks) {
		return this.jobs.addToJob(jobId, tasks);
	}

	@Override
	public Optional<JobState> findJob(UUID jobId) {
		return this.jobs.findJob(jobId);
	}

	@Override
	public List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit) {
		return this.jobs.findJobTasks(jobId, status, offset, limit);
	}

	@Override
	public Optional<Set<UUID>> cancelJob(UUID jobId, Instant now) {
		return this.jobs.cancelJob(jobId, now);
	}

	@Override
	public int retryJob(UUID jobId, Instant now) {
		return this.jobs.retryJob(jobId, now);
	}

	@Override
	public int settleJobs(Instant now, int limit) {
		return this.settlement.settleJobs(now, limit);
	}

}

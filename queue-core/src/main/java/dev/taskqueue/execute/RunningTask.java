package dev.taskqueue.execute;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.JobWrites;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.store.ParentTask;
import dev.taskqueue.store.ProgressReport;

/**
 * A task claimed by this node, running or waiting in its lane for a slot: the context its
 * handler sees, the thread that runs it, when its lease was last renewed, and what it writes
 * to its job once it succeeds.
 *
 * @since 0.1.0
 */
public final class RunningTask implements TaskContext {

	private final ClaimedTask task;

	private final Lane lane;

	private final PayloadCodec codec;

	private final Duration heartbeat;

	private final @Nullable Duration timeout;

	private final Consumer<RunningTask> onHeartbeat;

	private final Support support;

	private final AtomicBoolean finished = new AtomicBoolean();

	private @Nullable List<ParentTask> parents;

	private final List<NewTask> addedToJob = new ArrayList<>();

	private @Nullable String nextPayload;

	private @Nullable String jobResult;

	private volatile @Nullable Thread thread;

	private volatile boolean cancelled;

	private volatile long renewedNanos;

	private volatile Duration lease;

	private volatile @Nullable ProgressReport progress;

	private volatile @Nullable ProgressReport writtenProgress;

	RunningTask(ClaimedTask task, Lane lane, PayloadCodec codec, Duration claimLease, TaskOptions options,
			Consumer<RunningTask> onHeartbeat, Support support) {
		this.task = task;
		this.lane = lane;
		this.codec = codec;
		this.heartbeat = options.heartbeat();
		this.timeout = options.timeout();
		this.onHeartbeat = onHeartbeat;
		this.support = support;
		this.renewedNanos = System.nanoTime();
		this.lease = claimLease;
	}

	@Override
	public UUID taskId() {
		return this.task.id();
	}

	@Override
	public String type() {
		return this.task.type();
	}

	@Override
	public String queue() {
		return this.task.queue();
	}

	@Override
	public int attempt() {
		return this.task.attempt();
	}

	@Override
	public @Nullable JsonValue payload() {
		return this.codec.value(this.task.payload());
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public void heartbeat() {
		if (!this.cancelled && isRenewalDue()) {
			this.onHeartbeat.accept(this);
		}
	}

	@Override
	public void progress(double fraction, @Nullable String message) {
		if (!(fraction >= 0.0 && fraction <= 1.0)) {
			throw new IllegalArgumentException(
					describe() + " reported progress " + fraction + "; it must be a fraction from 0 to 1");
		}
		this.progress = new ProgressReport(taskId(), this.task.claimToken(), fraction, message,
				this.support.clock().instant());
	}

	@Override
	public void progressPercent(int percent, @Nullable String message) {
		if (percent < 0 || percent > 100) {
			throw new IllegalArgumentException(
					describe() + " reported progress " + percent + "%; it must be a percentage from 0 to 100");
		}
		progress(percent / 100.0, message);
	}

	/**
	 * Return the latest progress the handler reported, unless it was written already.
	 * @return the report, or {@code null}
	 */
	@Nullable ProgressReport unwrittenProgress() {
		ProgressReport latest = this.progress;
		return (latest != this.writtenProgress) ? latest : null;
	}

	/**
	 * Record that a progress report was written.
	 * @param report the report
	 */
	void progressWritten(ProgressReport report) {
		this.writtenProgress = report;
	}

	@Override
	public <T> @Nullable T parentResult(UUID parentId, Class<T> type) {
		ParentTask parent = parents().stream()
			.filter((candidate) -> candidate.id().equals(parentId))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("%s has no parent %s".formatted(describe(), parentId)));
		return resultOf(parent, type);
	}

	@Override
	public <T> @Nullable T parentResult(String parentType, Class<T> type) {
		List<ParentTask> ofType = parents().stream().filter((parent) -> parent.type().equals(parentType)).toList();
		if (ofType.size() != 1) {
			throw new IllegalArgumentException(ofType.isEmpty() ? "%s has no parent of type '%s'".formatted(describe(), parentType)
					: "%s has %d parents of type '%s'; read their results by id".formatted(describe(), ofType.size(),
							parentType));
		}
		return resultOf(ofType.get(0), type);
	}

	private List<ParentTask> parents() {
		if (this.parents == null) {
			this.parents = this.support.parents().apply(taskId());
		}
		return this.parents;
	}

	private <T> @Nullable T resultOf(ParentTask parent, Class<T> type) {
		JsonValue result = (parent.status() == TaskStatus.SUCCEEDED) ? this.codec.value(parent.result()) : null;
		return (result != null) ? result.as(type) : null;
	}

	@Override
	public @Nullable ScheduleSlot scheduleSlot() {
		// Read when asked, so that claims carry no more columns
		return this.support.scheduleSlots().apply(taskId());
	}

	@Override
	public @Nullable UUID jobId() {
		return this.task.jobId();
	}

	@Override
	public void addToJob(List<TaskRequest> tasks) {
		this.addedToJob.addAll(this.support.resolver().tasks(tasks, requireJob("add tasks to it"),
				this.support.clock().instant()));
	}

	@Override
	public void planNext(Object nextPayload) {
		requireJob("plan it");
		Assert.notNull(nextPayload, "'nextPayload' must not be null");
		this.nextPayload = this.support.resolver().json(nextPayload, "Next payload of " + describe());
	}

	@Override
	public void setJobResult(Object result) {
		requireJob("set its result");
		Assert.notNull(result, "'result' must not be null");
		this.jobResult = this.support.resolver().json(result, "Job result set by " + describe());
	}

	private UUID requireJob(String action) {
		UUID jobId = jobId();
		if (jobId == null) {
			throw new IllegalStateException(describe() + " belongs to no job, so it cannot " + action);
		}
		return jobId;
	}

	private String describe() {
		return "Task " + taskId() + " (type '" + type() + "')";
	}

	/**
	 * Return what the handler asked to write to the task's job once this attempt succeeds.
	 * @return the writes, or {@code null} if none
	 */
	public @Nullable JobWrites jobWrites() {
		if (this.addedToJob.isEmpty() && this.nextPayload == null && this.jobResult == null) {
			return null;
		}
		return new JobWrites(this.addedToJob, this.nextPayload, this.jobResult);
	}

	/**
	 * Return the claimed task.
	 * @return the task
	 */
	public ClaimedTask task() {
		return this.task;
	}

	/**
	 * Return how long its lease lasts from each renewal.
	 * @return the heartbeat
	 */
	public Duration heartbeatInterval() {
		return this.heartbeat;
	}

	/**
	 * Return whether a third of the lease has passed since it was last renewed: of the claim's
	 * lease at first, of the task's own heartbeat from the first renewal on, and never more
	 * than a third of the heartbeat.
	 * @return whether to renew now
	 */
	public boolean isRenewalDue() {
		long lease = Math.min(this.lease.toNanos(), this.heartbeat.toNanos());
		return System.nanoTime() - this.renewedNanos >= lease / 3;
	}

	/**
	 * Record that the lease was renewed for one heartbeat.
	 * @param nanos {@link System#nanoTime()} when the renewal was sent
	 */
	public void renewed(long nanos) {
		this.renewedNanos = nanos;
		this.lease = this.heartbeat;
	}

	Lane lane() {
		return this.lane;
	}

	@Nullable Duration timeout() {
		return this.timeout;
	}

	void runsOn(Thread thread) {
		this.thread = thread;
	}

	/** Whoever calls this first (the handler returning, or its timeout) ends the attempt. */
	boolean finish() {
		return this.finished.compareAndSet(false, true);
	}

	void cancel() {
		this.cancelled = true;
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
		}
	}

	/**
	 * What a running task reaches beyond itself: how to read its parents, and how to turn
	 * requests for its job into tasks.
	 *
	 * @param parents reads a task's parents
	 * @param scheduleSlots reads the schedule slot a task was fired for
	 * @param resolver resolves task requests
	 * @param clock the clock
	 */
	record Support(Function<UUID, List<ParentTask>> parents, Function<UUID, @Nullable ScheduleSlot> scheduleSlots,
			RequestResolver resolver, Clock clock) {
	}

}

package dev.taskqueue.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskOutcome;

/**
 * The meters and observations of one TaskQueue node, every name and tag in one place.
 * Without a {@link MeterRegistry} it records no meters, and without an
 * {@link ObservationRegistry} no observations. Tags stay few: task type, queue, status and
 * outcome, never a task id or key. The README lists every meter.
 *
 * @since 0.1.0
 */
public final class TaskQueueMetrics {

	/** Name of the counter of inserted tasks, tagged {@code type} and {@code queue}. */
	public static final String TASKS_ENQUEUED = "taskqueue.tasks.enqueued";

	/**
	 * Name of the counter of attempts whose outcome was recorded and of tasks cancelled,
	 * tagged {@code type}, {@code queue} and {@code outcome}.
	 */
	public static final String TASKS_FINISHED = "taskqueue.tasks.finished";

	/** Name of the attempt timer, tagged {@code type}, {@code queue} and {@code outcome}. */
	public static final String TASK_DURATION = "taskqueue.task.duration";

	/** Name of the timer of how late tasks start, tagged {@code type} and {@code queue}. */
	public static final String TASK_START_LAG = "taskqueue.task.start.lag";

	/** Name of the gauge of unfinished tasks, tagged {@code queue} and {@code status}. */
	public static final String TASKS = "taskqueue.tasks";

	/** Name of the gauge of the age of a queue's oldest due READY task, tagged {@code queue}. */
	public static final String OLDEST_DUE_AGE = "taskqueue.tasks.oldest.due.age";

	/** Name of the claim batch size summary, tagged {@code queue}. */
	public static final String CLAIM_SIZE = "taskqueue.claim.size";

	/** Name of the claim timer, tagged {@code queue}. */
	public static final String CLAIM_DURATION = "taskqueue.claim.duration";

	/** Name of the running-tasks gauge. */
	public static final String WORKER_ACTIVE = "taskqueue.worker.active";

	/** Name of the gauge of a lane's slots in use, tagged {@code queue}. */
	public static final String WORKER_SLOTS_USED = "taskqueue.worker.slots.used";

	/** Name of the gauge of a lane's slots, tagged {@code queue}. */
	public static final String WORKER_SLOTS = "taskqueue.worker.slots";

	/** Name of the pending-outcomes gauge. */
	public static final String COMPLETIONS_PENDING = "taskqueue.completions.pending";

	/** Name of the counter of rows that retention deleted. */
	public static final String RETENTION_DELETED = "taskqueue.retention.deleted";

	/** Name of the counter of schedule slots fired late or skipped. */
	public static final String SCHEDULE_SLOTS = "taskqueue.schedule.slots";

	/** Name of the observation of one task execution. */
	public static final String TASK_EXECUTION_OBSERVATION = "taskqueue.task.execution";

	/** The outcome of an attempt that succeeded. */
	public static final String SUCCEEDED = "succeeded";

	/** The outcome of an attempt that failed for good. */
	public static final String FAILED = "failed";

	/** The outcome of an attempt that failed and will be retried. */
	public static final String RETRIED = "retried";

	/** The outcome of an attempt that put its task back unstarted, without counting. */
	public static final String POSTPONED = "postponed";

	/** The outcome of an attempt that outlived its timeout. */
	public static final String TIMED_OUT = "timed_out";

	/** The outcome of an attempt taken back after its lease lapsed. */
	public static final String RESCUED = "rescued";

	/** The outcome of a task cancelled before it finished. */
	public static final String CANCELLED = "cancelled";

	private static final TaskStatus[] UNFINISHED = { TaskStatus.WAITING, TaskStatus.READY, TaskStatus.RUNNING };

	private static final TaskQueueMetrics NONE = new TaskQueueMetrics(null, ObservationRegistry.NOOP);

	private final @Nullable MeterRegistry registry;

	private final ObservationRegistry observations;

	private final Set<String> countedQueues = ConcurrentHashMap.newKeySet();

	// Meters recorded per task are looked up once per tag values, not built and registered
	// on every task

	private final Map<TypeAndQueue, Counter> enqueuedCounters = new ConcurrentHashMap<>();

	private final Map<Attempt, Timer> durationTimers = new ConcurrentHashMap<>();

	private final Map<Attempt, Counter> finishedCounters = new ConcurrentHashMap<>();

	private final Map<TypeAndQueue, Timer> startLagTimers = new ConcurrentHashMap<>();

	private final Map<String, DistributionSummary> claimSizeSummaries = new ConcurrentHashMap<>();

	private final Map<String, Timer> claimDurationTimers = new ConcurrentHashMap<>();

	private volatile @Nullable Supplier<@Nullable TaskCounts> countsSource;

	private TaskQueueMetrics(@Nullable MeterRegistry registry, ObservationRegistry observations) {
		this.registry = registry;
		this.observations = observations;
	}

	/**
	 * Return metrics recorded in the given registry, or nothing without one.
	 * @param registry the registry, or {@code null}
	 * @return the metrics
	 */
	public static TaskQueueMetrics of(@Nullable MeterRegistry registry) {
		return of(registry, null);
	}

	/**
	 * Return metrics recorded in the given registries, or nothing without them.
	 * @param registry the meter registry, or {@code null}
	 * @param observations the observation registry, or {@code null}
	 * @return the metrics
	 */
	public static TaskQueueMetrics of(@Nullable MeterRegistry registry, @Nullable ObservationRegistry observations) {
		return (registry != null || observations != null)
				? new TaskQueueMetrics(registry, (observations != null) ? observations : ObservationRegistry.NOOP)
				: NONE;
	}

	/**
	 * Count tasks inserted, once their transaction committed, with one increment per type
	 * and queue. A task whose unique key another task held inserted nothing, and is not
	 * counted.
	 * @param tasks the tasks
	 * @param ids the id the insert returned for each task, in the same order: the task's own
	 * id if it was inserted, else the id of the task that held its key
	 */
	public void enqueued(List<NewTask> tasks, List<UUID> ids) {
		if (this.registry == null || tasks.isEmpty()) {
			return;
		}
		Map<TypeAndQueue, Integer> counts = new HashMap<>();
		for (int i = 0; i < tasks.size(); i++) {
			NewTask task = tasks.get(i);
			if (task.id().equals(ids.get(i))) {
				counts.merge(new TypeAndQueue(task.type(), task.queue()), 1, Integer::sum);
			}
		}
		counts.forEach((key, count) -> this.enqueuedCounters.computeIfAbsent(key, (tags) -> Counter
			.builder(TASKS_ENQUEUED)
			.description("Tasks enqueued")
			.tag("type", tags.type())
			.tag("queue", tags.queue())
			.register(registry()))
			.increment(count));
	}

	/**
	 * Time an attempt that ran to its end, or its timeout, on this node, by the outcome it
	 * came to, whether or not it was still current when its outcome was written: the time
	 * was spent either way. Only {@link #recorded recorded} outcomes are counted.
	 * @param task the task
	 * @param outcome {@link #SUCCEEDED}, {@link #FAILED}, {@link #RETRIED} or
	 * {@link #TIMED_OUT}
	 * @param nanos how long it ran
	 */
	public void attempt(ClaimedTask task, String outcome, long nanos) {
		if (this.registry != null) {
			Attempt key = new Attempt(task.type(), task.queue(), outcome);
			this.durationTimers.computeIfAbsent(key, (tags) -> Timer.builder(TASK_DURATION)
				.description("Duration of task attempts")
				.tag("type", tags.type())
				.tag("queue", tags.queue())
				.tag("outcome", tags.outcome())
				.register(registry()))
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Count the outcome of an attempt that the store recorded, the attempt being still
	 * current.
	 * @param task the task
	 * @param outcome the outcome as recorded
	 * @param timedOut whether the attempt outlived its timeout
	 */
	public void recorded(ClaimedTask task, TaskOutcome outcome, boolean timedOut) {
		finished(task.type(), task.queue(), outcome(outcome, timedOut), 1);
	}

	/**
	 * Return the {@code outcome} tag of an attempt's outcome.
	 * @param outcome the outcome
	 * @param timedOut whether the attempt outlived its timeout
	 * @return {@link #SUCCEEDED}, {@link #FAILED}, {@link #RETRIED}, {@link #POSTPONED} or
	 * {@link #TIMED_OUT}
	 */
	public static String outcome(TaskOutcome outcome, boolean timedOut) {
		if (timedOut) {
			return TIMED_OUT;
		}
		if (outcome instanceof TaskOutcome.Failed failed) {
			return (failed.retryAt() != null) ? RETRIED : FAILED;
		}
		return (outcome instanceof TaskOutcome.Postponed) ? POSTPONED : SUCCEEDED;
	}

	/**
	 * Count tasks that finished without their own worker recording it: {@link #RESCUED},
	 * taken back by this node after their lease lapsed, or {@link #CANCELLED} through this
	 * node before they finished, once the cancel committed.
	 * @param type the task type
	 * @param queue the queue
	 * @param outcome the outcome
	 * @param count how many tasks
	 */
	public void finished(String type, String queue, String outcome, int count) {
		if (this.registry != null && count > 0) {
			this.finishedCounters.computeIfAbsent(new Attempt(type, queue, outcome), (tags) -> Counter
				.builder(TASKS_FINISHED)
				.description("Task attempts whose outcome was recorded, and tasks cancelled, by outcome")
				.tag("type", tags.type())
				.tag("queue", tags.queue())
				.tag("outcome", tags.outcome())
				.register(registry()))
				.increment(count);
		}
	}

	/**
	 * Record how late claimed tasks start: the claim's time minus each task's due time.
	 * Nothing is computed without a registry, since it runs for every claimed task.
	 * @param tasks the tasks one claim took
	 * @param claimedAt when they were claimed; a task due later counts as not late
	 */
	public void startLag(List<ClaimedTask> tasks, Instant claimedAt) {
		if (this.registry == null) {
			return;
		}
		for (ClaimedTask task : tasks) {
			Duration lag = Duration.between(task.runAt(), claimedAt);
			this.startLagTimers.computeIfAbsent(new TypeAndQueue(task.type(), task.queue()), (tags) -> Timer
				.builder(TASK_START_LAG)
				.description("How late tasks start: when they were claimed minus when they were due")
				.tag("type", tags.type())
				.tag("queue", tags.queue())
				.register(registry()))
				.record(lag.isNegative() ? Duration.ZERO : lag);
		}
	}

	/**
	 * Record one claim statement.
	 * @param queue the queue claimed from
	 * @param claimed how many tasks it claimed
	 * @param nanos how long it took
	 */
	public void claimed(String queue, int claimed, long nanos) {
		if (this.registry != null) {
			this.claimSizeSummaries.computeIfAbsent(queue, (tag) -> DistributionSummary.builder(CLAIM_SIZE)
				.description("Tasks claimed per claim statement")
				.baseUnit("tasks")
				.tag("queue", tag)
				.register(registry()))
				.record(claimed);
			this.claimDurationTimers.computeIfAbsent(queue, (tag) -> Timer.builder(CLAIM_DURATION)
				.description("Duration of claim transactions")
				.tag("queue", tag)
				.register(registry()))
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Publish the gauges of unfinished tasks for the given queues, and for each queue that a
	 * later {@link #countsRead(TaskCounts) read} finds. Every gauge reads the same counts,
	 * which one query refreshes at most once per refresh interval.
	 * @param counts the latest counts, or {@code null} when they cannot be read
	 * @param queues the queues known now
	 */
	public void bindTaskCounts(Supplier<@Nullable TaskCounts> counts, Collection<String> queues) {
		if (this.registry != null) {
			this.countsSource = counts;
			queues.forEach(this::bindQueue);
		}
	}

	/**
	 * Publish the gauges of queues the given counts name for the first time.
	 * @param counts counts just read
	 */
	public void countsRead(TaskCounts counts) {
		if (this.registry != null && this.countsSource != null) {
			counts.queues().forEach(this::bindQueue);
		}
	}

	private void bindQueue(String queue) {
		MeterRegistry registry = this.registry;
		Supplier<@Nullable TaskCounts> source = this.countsSource;
		if (registry == null || source == null || !this.countedQueues.add(queue)) {
			return;
		}
		for (TaskStatus status : UNFINISHED) {
			Gauge.builder(TASKS, () -> {
				TaskCounts counts = source.get();
				return (counts != null) ? counts.count(queue, status) : Double.NaN;
			}).description("Unfinished tasks by queue and status").tag("queue", queue)
				.tag("status", status.name().toLowerCase())
				.register(registry);
		}
		TimeGauge.builder(OLDEST_DUE_AGE, () -> {
			TaskCounts counts = source.get();
			return (counts != null) ? counts.oldestDueAge(queue).toMillis() : Double.NaN;
		}, TimeUnit.MILLISECONDS).description("How long the queue's oldest due READY task has waited")
			.tag("queue", queue)
			.register(registry);
	}

	/**
	 * Publish the gauges of one lane of this node's worker.
	 * @param queues the lane's queues, joined by commas in the {@code queue} tag
	 * @param used reads the slots in use
	 * @param slots reads the lane's slots
	 */
	public void laneSlots(Collection<String> queues, Supplier<Number> used, Supplier<Number> slots) {
		if (this.registry != null) {
			String queue = String.join(",", queues);
			Gauge.builder(WORKER_SLOTS_USED, used)
				.description("Worker slots in use")
				.tag("queue", queue)
				.register(this.registry);
			Gauge.builder(WORKER_SLOTS, slots).description("Worker slots").tag("queue", queue).register(this.registry);
		}
	}

	/**
	 * Create the observation of one task execution, not yet started. Without an
	 * {@link ObservationRegistry} it is a no-op.
	 * @param task the task
	 * @return the observation
	 */
	public Observation taskExecution(ClaimedTask task) {
		if (this.observations.isNoop()) {
			// No names or key values built for an observation that records nothing
			return Observation.NOOP;
		}
		return Observation.createNotStarted(TASK_EXECUTION_OBSERVATION, this.observations)
			.contextualName("task " + task.type())
			.lowCardinalityKeyValues(KeyValues.of("type", task.type(), "queue", task.queue()))
			.highCardinalityKeyValue("task.id", task.id().toString())
			.highCardinalityKeyValue("task.attempt", Integer.toString(task.attempt()));
	}

	/**
	 * Count schedule slots fired late or skipped.
	 * @param outcome {@code late} or {@code skipped}
	 * @param reason {@code misfire} or {@code overlap}
	 * @param slots how many slots
	 */
	public void scheduleSlots(String outcome, String reason, int slots) {
		if (this.registry != null && slots > 0) {
			Counter.builder(SCHEDULE_SLOTS)
				.description("Schedule slots fired late or skipped")
				.tag("outcome", outcome)
				.tag("reason", reason)
				.register(this.registry)
				.increment(slots);
		}
	}

	/**
	 * Publish a gauge of the node's state.
	 * @param name the gauge name, one of this class's constants
	 * @param description what it measures
	 * @param value reads the current value
	 */
	public void gauge(String name, String description, Supplier<Number> value) {
		if (this.registry != null) {
			Gauge.builder(name, value).description(description).register(this.registry);
		}
	}

	/**
	 * Record finished rows that retention deleted.
	 * @param kind what was deleted: {@code task} or {@code job}
	 * @param count how many
	 */
	public void deleted(String kind, int count) {
		if (this.registry != null && count > 0) {
			Counter.builder(RETENTION_DELETED)
				.description("Finished rows deleted by retention")
				.tag("kind", kind)
				.register(this.registry)
				.increment(count);
		}
	}

	private MeterRegistry registry() {
		MeterRegistry registry = this.registry;
		Assert.state(registry != null, "No MeterRegistry");
		return registry;
	}

	private record TypeAndQueue(String type, String queue) {
	}

	private record Attempt(String type, String queue, String outcome) {
	}

}

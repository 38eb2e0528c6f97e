package dev.taskqueue.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one TaskQueue node. Without a {@link MeterRegistry} it records nothing.
 * <ul>
 * <li>{@code taskqueue.task.duration}: a timer of task attempts, tagged {@code type} and
 * {@code outcome} ({@code succeeded} or {@code failed}); its count is the number of attempts
 * that ended.</li>
 * <li>{@code taskqueue.worker.active}: tasks running on this node now.</li>
 * <li>{@code taskqueue.completions.pending}: outcomes waiting to be written.</li>
 * <li>{@code taskqueue.retention.deleted}: finished rows that retention deleted on this node,
 * tagged {@code kind} ({@code task} or {@code job}).</li>
 * <li>{@code taskqueue.schedule.slots}: schedule slots fired late or skipped, tagged
 * {@code outcome} ({@code late} or {@code skipped}) and {@code reason} ({@code misfire} or
 * {@code overlap}).</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class TaskQueueMetrics {

	/** Name of the attempt timer. */
	public static final String TASK_DURATION = "taskqueue.task.duration";

	/** Name of the running-tasks gauge. */
	public static final String WORKER_ACTIVE = "taskqueue.worker.active";

	/** Name of the pending-outcomes gauge. */
	public static final String COMPLETIONS_PENDING = "taskqueue.completions.pending";

	/** Name of the counter of rows that retention deleted. */
	public static final String RETENTION_DELETED = "taskqueue.retention.deleted";

	/** Name of the counter of schedule slots fired late or skipped. */
	public static final String SCHEDULE_SLOTS = "taskqueue.schedule.slots";

	private static final TaskQueueMetrics NONE = new TaskQueueMetrics(null);

	private final @Nullable MeterRegistry registry;

	private final Map<String, Timer> succeeded = new ConcurrentHashMap<>();

	private final Map<String, Timer> failed = new ConcurrentHashMap<>();

	private TaskQueueMetrics(@Nullable MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Return metrics recorded in the given registry, or nothing without one.
	 * @param registry the registry, or {@code null}
	 * @return the metrics
	 */
	public static TaskQueueMetrics of(@Nullable MeterRegistry registry) {
		return (registry != null) ? new TaskQueueMetrics(registry) : NONE;
	}

	/**
	 * Record an attempt that ended.
	 * @param type the task type
	 * @param success whether it succeeded
	 * @param nanos how long it ran
	 */
	public void attempt(String type, boolean success, long nanos) {
		if (this.registry != null) {
			Map<String, Timer> timers = success ? this.succeeded : this.failed;
			timers.computeIfAbsent(type, (key) -> Timer.builder(TASK_DURATION)
				.description("Duration of task attempts")
				.tag("type", key)
				.tag("outcome", success ? "succeeded" : "failed")
				.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
		}
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

}

package dev.taskqueue.autoconfigure.actuate;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.engine.TaskQueueEngine;

/**
 * {@link HealthIndicator} of a TaskQueue node: {@link Status#DOWN DOWN} when the task tables
 * cannot be reached, {@link #DEGRADED DEGRADED} when the backlog or the age of the oldest due
 * task passes its threshold, {@link Status#UP UP} otherwise. Details give the backlog, the
 * oldest due task's age, the unfinished tasks per status and the live nodes. Counts and
 * nodes are read at most once per refresh interval of the task counts, so that frequent
 * health checks do not query the database each time; a failed read is remembered as long.
 * <p>
 * {@code DEGRADED} is not in Boot's default status order, so it changes neither the
 * aggregate status nor the HTTP status: a long backlog is worth a look, not a restart.
 *
 * @since 0.1.0
 */
public class TaskQueueHealthIndicator extends AbstractHealthIndicator {

	/** The status of a queue whose backlog passed a threshold. */
	public static final Status DEGRADED = new Status("DEGRADED", "Backlog over its threshold");

	private final TaskQueueEngine engine;

	private final @Nullable Long backlogThreshold;

	private final @Nullable Duration oldestDueAgeThreshold;

	/**
	 * Create an indicator.
	 * @param engine the engine whose tables to check
	 * @param backlogThreshold the number of due READY tasks above which the queue is degraded,
	 * or {@code null}
	 * @param oldestDueAgeThreshold the age of the oldest due READY task above which the queue
	 * is degraded, or {@code null}
	 */
	public TaskQueueHealthIndicator(TaskQueueEngine engine, @Nullable Long backlogThreshold,
			@Nullable Duration oldestDueAgeThreshold) {
		super("TaskQueue health check failed");
		this.engine = engine;
		this.backlogThreshold = backlogThreshold;
		this.oldestDueAgeThreshold = oldestDueAgeThreshold;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		TaskCounts counts = this.engine.taskCounts();
		long backlog = counts.backlog();
		Duration oldestDueAge = counts.oldestDueAge();
		boolean degraded = (this.backlogThreshold != null && backlog > this.backlogThreshold)
				|| (this.oldestDueAgeThreshold != null && oldestDueAge.compareTo(this.oldestDueAgeThreshold) > 0);
		builder.status(degraded ? DEGRADED : Status.UP)
			.withDetail("backlog", backlog)
			.withDetail("oldestDueAge", oldestDueAge.toString())
			.withDetail("tasks", TaskQueueEndpoint.byStatus(counts))
			.withDetail("liveNodes", this.engine.recentNodes().size());
	}

}

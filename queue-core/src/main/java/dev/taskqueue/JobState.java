package dev.taskqueue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What a job looks like now: a snapshot read from the database.
 *
 * @param id the job id
 * @param name the job name
 * @param status its status
 * @param counts how many of its tasks are in each status; every status is present
 * @param planning whether its planner is still adding tasks
 * @param expectedTasks how many tasks it was expected to have, besides its planner, or
 * {@code null}
 * @param progress the share of its tasks that have finished, from 0 to 1, not counting its
 * planner; measured against {@code expectedTasks} while it has fewer tasks than that. The
 * {@linkplain TaskState#progress() progress} its running tasks report does not count, so that
 * it comes from the counts alone and does not fall back when an attempt that had come far
 * fails and the task starts again
 * @param result the result one of its tasks set, or {@code null}
 * @param createdAt when it was started
 * @param startedAt when its first task started, or {@code null}
 * @param finishedAt when it ended, or {@code null}
 * @since 0.1.0
 */
public record JobState(UUID id, String name, JobStatus status, Map<TaskStatus, Integer> counts, boolean planning,
		@Nullable Integer expectedTasks, double progress, @Nullable JsonValue result, Instant createdAt,
		@Nullable Instant startedAt, @Nullable Instant finishedAt) {

	/**
	 * Return how many tasks the job has, its planner included.
	 * @return the number of tasks
	 */
	public int total() {
		return this.counts.values().stream().mapToInt(Integer::intValue).sum();
	}

	/**
	 * Return how many of its tasks are in the given status.
	 * @param status the status
	 * @return the number of tasks
	 */
	public int count(TaskStatus status) {
		return this.counts.getOrDefault(status, 0);
	}

	/**
	 * Read the result as a value of the given type.
	 * @param <T> the type
	 * @param type the type to bind to
	 * @return the result, or {@code null} if there is none (yet)
	 */
	public <T> @Nullable T result(Class<T> type) {
		return (this.result != null) ? this.result.as(type) : null;
	}

}

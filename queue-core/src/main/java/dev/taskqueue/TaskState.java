package dev.taskqueue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.schedule.ScheduleSlot;

/**
 * What a task looks like now: a snapshot read from the database.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue it runs on
 * @param status its status
 * @param priority its priority within the queue
 * @param attempts how many times it has been started
 * @param key its unique key, or {@code null}
 * @param parents the ids of the tasks it waits for
 * @param jobId the job it belongs to, or {@code null}
 * @param payload its payload, or {@code null}
 * @param result its result once it has succeeded, or {@code null}
 * @param errorMessage the error of its last failed attempt, or {@code null}
 * @param errorDetail the exception class, message and stack summary of that error, or {@code null}
 * @param errors the error of every failed attempt, oldest first
 * @param createdAt when it was enqueued
 * @param runAt the earliest time it may run
 * @param startedAt when its latest attempt started, or {@code null}
 * @param worker the node running it now or, once it has SUCCEEDED or FAILED, the node that
 * ran its last attempt; {@code null} while it waits to run and once cancelled
 * @param finishedAt when it finished, or {@code null}
 * @param scheduleSlot the schedule slot it was fired for, or {@code null} if no schedule fired it
 * @param progress the latest progress its handler reported, or {@code null} if none did:
 * written at most once per progress interval while the task runs and once more as the attempt
 * ends; a retried task shows its previous attempt's progress until the new attempt reports
 * @since 0.1.0
 */
public record TaskState(UUID id, String type, String queue, TaskStatus status, int priority, int attempts,
		@Nullable String key, Set<UUID> parents, @Nullable UUID jobId, @Nullable JsonValue payload, @Nullable JsonValue result,
		@Nullable String errorMessage, @Nullable String errorDetail, List<TaskError> errors, Instant createdAt,
		Instant runAt, @Nullable Instant startedAt, @Nullable String worker, @Nullable Instant finishedAt,
		@Nullable ScheduleSlot scheduleSlot, @Nullable TaskProgress progress) {

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

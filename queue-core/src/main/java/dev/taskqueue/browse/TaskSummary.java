package dev.taskqueue.browse;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskStatus;

/**
 * A task as a list shows it: without payload, result or error detail.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue
 * @param status the status
 * @param priority the priority within the queue
 * @param attempts how many times it has been started
 * @param runAt the earliest time it may run
 * @param createdAt when it was enqueued
 * @param startedAt when its latest attempt started, or {@code null}
 * @param finishedAt when it finished, or {@code null}
 * @param jobId its job, or {@code null}
 * @param progress the latest progress its handler reported, or {@code null}
 * @param errorMessage the error of its last failed attempt, or {@code null}
 * @param worker the node running it or that ran it last, or {@code null}
 * @since 0.1.0
 */
public record TaskSummary(UUID id, String type, String queue, TaskStatus status, int priority, int attempts,
		Instant runAt, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
		@Nullable UUID jobId, @Nullable TaskProgress progress, @Nullable String errorMessage,
		@Nullable String worker) {

}

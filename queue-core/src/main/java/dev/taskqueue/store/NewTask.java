package dev.taskqueue.store;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;

/**
 * A task to insert, with every option resolved.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue
 * @param priority the priority
 * @param runAt the earliest time to run
 * @param payload the payload as JSON, or {@code null}
 * @param key its unique key, or {@code null}
 * @param options the execution options its request set, over its type's
 * @param parents the ids of its parents
 * @param parentsEvenIfFailed the parents it runs after even if they failed; a subset of
 * {@code parents}
 * @param jobId the job it belongs to, or {@code null}
 * @param createdAt when it was enqueued
 * @since 0.1.0
 */
public record NewTask(UUID id, String type, String queue, int priority, Instant runAt, @Nullable String payload,
		@Nullable String key, TaskOptions options, Set<UUID> parents, Set<UUID> parentsEvenIfFailed, @Nullable UUID jobId,
		Instant createdAt) {

}

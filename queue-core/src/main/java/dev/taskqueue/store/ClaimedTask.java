package dev.taskqueue.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;

/**
 * A task claimed by a worker: marked RUNNING with its attempt counted.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue
 * @param attempt the attempt this claim started, from 1
 * @param claimToken the random token of this claim; renewals, hand-backs and outcomes must
 * name it, so that only the attempt holding the task's current claim can end it, even if the
 * task was claimed again with the same attempt number after a database crash lost a claim
 * @param attemptsBefore the attempts made before the task was last retried by hand; its
 * retries count from there
 * @param payload the payload as JSON, or {@code null}
 * @param options the execution options its request set, over its type's
 * @param jobId the job it belongs to, or {@code null}
 * @param runAt when the task was due; the claim's start minus this is how late it started
 * @since 0.1.0
 */
public record ClaimedTask(UUID id, String type, String queue, int attempt, long claimToken, int attemptsBefore,
		@Nullable String payload, TaskOptions options, @Nullable UUID jobId, Instant runAt) {

}

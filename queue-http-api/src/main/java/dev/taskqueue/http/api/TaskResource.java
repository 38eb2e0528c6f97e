package dev.taskqueue.http.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadMask;

/**
 * A task as the API shows it: its state, without the stack summaries of its errors nor the
 * node that runs it, which belong to operators. Its payload goes through a mask; its result,
 * which is what a caller waits for, does not.
 */
record TaskResource(UUID id, String type, String queue, TaskStatus status, boolean finished, int priority,
		int attempts, @Nullable String key, Set<UUID> parents, @Nullable UUID jobId, @Nullable JsonNode payload,
		@Nullable JsonNode result, @Nullable String error, List<Failure> errors, @Nullable Progress progress,
		Instant createdAt, Instant runAt, @Nullable Instant startedAt, @Nullable Instant finishedAt) {

	static TaskResource of(TaskState task, PayloadMask payloadMask) {
		TaskProgress progress = task.progress();
		return new TaskResource(task.id(), task.type(), task.queue(), task.status(), task.status().isFinished(),
				task.priority(), task.attempts(), task.key(), task.parents(), task.jobId(),
				payloadMask.apply(tree(task.payload())),
				tree(task.result()), task.errorMessage(),
				task.errors().stream().map((error) -> new Failure(error.attempt(), error.message(), error.failedAt())).toList(),
				(progress != null) ? new Progress(progress.fraction(), progress.percent(), progress.message(),
						progress.reportedAt()) : null,
				task.createdAt(), task.runAt(), task.startedAt(), task.finishedAt());
	}

	private static @Nullable JsonNode tree(@Nullable JsonValue value) {
		return (value != null) ? value.tree() : null;
	}

	/**
	 * The error of one failed attempt.
	 */
	record Failure(int attempt, String message, Instant failedAt) {

	}

	/**
	 * The latest progress the handler reported.
	 */
	record Progress(double fraction, int percent, @Nullable String message, Instant reportedAt) {

	}

}

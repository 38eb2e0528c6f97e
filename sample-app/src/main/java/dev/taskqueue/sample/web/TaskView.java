package dev.taskqueue.sample.web;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;

/**
 * A task as {@code GET /tasks/{id}} shows it: its state, with payload and result as JSON,
 * the error of its last failed attempt, and the error of every failed attempt.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue it runs on
 * @param status its status
 * @param priority its priority within the queue
 * @param attempts how many times it has been started
 * @param key its unique key, or {@code null}
 * @param parents the tasks it waits for
 * @param jobId the job it belongs to, or {@code null}
 * @param payload its payload
 * @param result its result, once it has succeeded
 * @param error the error of its last failed attempt, or {@code null}
 * @param errors the error of every failed attempt, oldest first
 * @param createdAt when it was enqueued
 * @param runAt the earliest time it may run (next)
 * @param startedAt when its latest attempt started
 * @param finishedAt when it finished
 * @param worker the node running it now, or {@code null}
 * @param progress the latest progress its handler reported, or {@code null}
 */
public record TaskView(UUID id, String type, String queue, TaskStatus status, int priority, int attempts, String key,
		Set<UUID> parents, UUID jobId, JsonNode payload, JsonNode result, String error, List<ErrorView> errors,
		Instant createdAt, Instant runAt, Instant startedAt, Instant finishedAt, String worker, TaskProgress progress) {

	static TaskView of(TaskState state) {
		return new TaskView(state.id(), state.type(), state.queue(), state.status(), state.priority(),
				state.attempts(), state.key(), state.parents(), state.jobId(), tree(state.payload()),
				tree(state.result()), state.errorMessage(), state.errors().stream().map(ErrorView::of).toList(),
				state.createdAt(), state.runAt(), state.startedAt(), state.finishedAt(), state.worker(),
				state.progress());
	}

	private static JsonNode tree(JsonValue value) {
		return (value != null) ? value.tree() : null;
	}

	/**
	 * The error of one failed attempt; {@link TaskError#detail()}, the stack summary, is left
	 * out here.
	 *
	 * @param attempt the attempt that failed
	 * @param message its error message
	 * @param failedAt when it failed
	 */
	public record ErrorView(int attempt, String message, Instant failedAt) {

		static ErrorView of(TaskError error) {
			return new ErrorView(error.attempt(), error.message(), error.failedAt());
		}

	}

}

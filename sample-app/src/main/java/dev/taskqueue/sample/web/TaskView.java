package dev.taskqueue.sample.web;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;

/**
 * A task as {@code GET /tasks/{id}} shows it: its state, with payload and result as JSON.
 */
public record TaskView(UUID id, String type, String queue, TaskStatus status, int priority, int attempts,
		Set<UUID> parents, JsonNode payload, JsonNode result, String error, Instant createdAt, Instant runAt,
		Instant startedAt, Instant finishedAt) {

	static TaskView of(TaskState state) {
		return new TaskView(state.id(), state.type(), state.queue(), state.status(), state.priority(),
				state.attempts(), state.parents(), tree(state.payload()), tree(state.result()), state.errorMessage(),
				state.createdAt(), state.runAt(), state.startedAt(), state.finishedAt());
	}

	private static JsonNode tree(JsonValue value) {
		return (value != null) ? value.tree() : null;
	}

}

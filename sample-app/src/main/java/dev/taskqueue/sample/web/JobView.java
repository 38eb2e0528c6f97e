package dev.taskqueue.sample.web;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskStatus;

/**
 * A job as {@code GET /jobs/{id}} shows it: its status, how many of its tasks are in each
 * status, and how far it has come.
 *
 * @param id the job id
 * @param name its name
 * @param status its status
 * @param counts how many of its tasks are in each status, its planner included, in the order
 * of the statuses
 * @param total how many tasks it has, its planner included
 * @param planning whether its planner is still adding tasks
 * @param expectedTasks how many tasks it was said to have besides its planner, or {@code null}
 * @param progress the share of its tasks that have finished, from 0 to 1, not counting its
 * planner
 * @param percent the same, in whole percent, rounded down: 100 once every task has finished
 * @param result the result one of its tasks set, or {@code null}
 * @param createdAt when it was started
 * @param startedAt when its first task started, or {@code null}
 * @param finishedAt when it ended, or {@code null}
 */
public record JobView(UUID id, String name, JobStatus status, Map<TaskStatus, Integer> counts, int total,
		boolean planning, Integer expectedTasks, double progress, int percent, JsonNode result, Instant createdAt,
		Instant startedAt, Instant finishedAt) {

	static JobView of(JobState state) {
		return new JobView(state.id(), state.name(), state.status(), state.counts(), state.total(), state.planning(),
				state.expectedTasks(), state.progress(), (int) Math.floor(state.progress() * 100),
				(state.result() != null) ? state.result().tree() : null, state.createdAt(), state.startedAt(),
				state.finishedAt());
	}

}

package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskStatus;

/**
 * How far a job has come, and whether it has ended, from the counts of its tasks per status.
 */
final class JobProgress {

	private JobProgress() {
	}

	/**
	 * Return how a running job ends, given that none of its tasks is ready or running.
	 * @param counts its tasks per status
	 * @return SUCCEEDED if every task succeeded; FAILED if a task failed or was cancelled and
	 * the rest finished, or if some task failed and the rest wait behind it; {@code null} while
	 * tasks wait for something else
	 */
	static @Nullable JobStatus end(Map<TaskStatus, Integer> counts) {
		int failed = counts.get(TaskStatus.FAILED);
		int cancelled = counts.get(TaskStatus.CANCELLED);
		if (counts.get(TaskStatus.WAITING) == 0) {
			return (failed + cancelled == 0) ? JobStatus.SUCCEEDED : JobStatus.FAILED;
		}
		return (failed > 0) ? JobStatus.FAILED : null;
	}

	/**
	 * Return a job's state. Its progress leaves out the planner, which runs once per chunk, and
	 * is measured against the expected number of tasks while the job has fewer.
	 */
	static JobState state(UUID id, String name, JobStatus status, Map<TaskStatus, Integer> counts,
			@Nullable TaskStatus plannerStatus, @Nullable Integer expectedTasks, @Nullable JsonValue result,
			Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt) {
		int tasks = counts.values().stream().mapToInt(Integer::intValue).sum();
		int finished = counts.get(TaskStatus.SUCCEEDED) + counts.get(TaskStatus.FAILED)
				+ counts.get(TaskStatus.CANCELLED);
		if (plannerStatus != null) {
			tasks--;
			finished -= plannerStatus.isFinished() ? 1 : 0;
		}
		int whole = Math.max(tasks, (expectedTasks != null) ? expectedTasks : 0);
		double progress = (status == JobStatus.SUCCEEDED) ? 1.0 : (whole > 0) ? (double) finished / whole : 0.0;
		boolean planning = plannerStatus != null && !plannerStatus.isFinished();
		return new JobState(id, name, status, Collections.unmodifiableMap(new EnumMap<>(counts)), planning, expectedTasks, progress, result, createdAt,
				startedAt, finishedAt);
	}

}

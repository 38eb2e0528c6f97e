package dev.taskqueue.store;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a succeeded attempt writes to its job, in the transaction that records its success.
 *
 * @param tasks tasks to add to the job
 * @param nextPayload the payload with which the task runs again, as JSON, or {@code null} if it
 * does not
 * @param jobResult the job's result, as JSON, or {@code null} to leave it
 * @since 0.1.0
 */
public record JobWrites(List<NewTask> tasks, @Nullable String nextPayload, @Nullable String jobResult) {

	public JobWrites {
		tasks = List.copyOf(tasks);
	}

}

package dev.taskqueue.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;

/**
 * A job to insert, with its tasks and callbacks resolved.
 *
 * @param id the job id
 * @param name its name
 * @param plannerId the id of its planner, or {@code null}
 * @param expectedTasks how many tasks it will have besides its planner, or {@code null}
 * @param tasks its first tasks, its planner among them
 * @param callbacks the tasks to enqueue when it ends
 * @param createdAt when it was started
 * @since 0.1.0
 */
public record NewJob(UUID id, String name, @Nullable UUID plannerId, @Nullable Integer expectedTasks,
		List<NewTask> tasks, List<Callback> callbacks, Instant createdAt) {

	public NewJob {
		tasks = List.copyOf(tasks);
		callbacks = List.copyOf(callbacks);
	}

	/**
	 * When a callback runs.
	 */
	public enum RunOn {

		/** When the job succeeds. */
		SUCCESS,

		/** When the job fails. */
		FAILURE,

		/** When the job succeeds or fails. */
		COMPLETE

	}

	/**
	 * A task to enqueue when the job ends.
	 *
	 * @param runOn when it runs
	 * @param type the task type
	 * @param queue the queue
	 * @param priority the priority
	 * @param payload the payload as JSON, or {@code null} for the job id
	 * @param options the execution options its request set
	 */
	public record Callback(RunOn runOn, String type, String queue, int priority, @Nullable String payload,
			TaskOptions options) {

	}

}

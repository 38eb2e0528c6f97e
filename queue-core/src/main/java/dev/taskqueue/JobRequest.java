package dev.taskqueue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A request to start a job: a group of tasks under one id, ended when all of them are. Its tasks
 * may depend on each other (a flow), and it may have a planner: a task that adds the job's tasks
 * in chunks, see {@link TaskContext#addToJob} and {@link TaskContext#planNext}.
 * <p>
 * A flow of three steps that refunds the payment if shipping fails for good:
 * <pre class="code">
 * TaskRequest reserve = TaskRequest.of("reserve-stock", order);
 * TaskRequest charge = TaskRequest.builder("charge-payment").payload(order).after(reserve).build();
 * TaskRequest ship = TaskRequest.builder("ship-order").payload(order).after(charge).build();
 * queue.startJob(JobRequest.builder("checkout " + order.id())
 * 	.tasks(reserve, charge, ship)
 * 	.onFailure(TaskRequest.of("refund-payment", order))
 * 	.build());
 * </pre>
 * <p>
 * Callbacks are tasks enqueued once each time the job ends: on success, on failure, or on
 * completion either way (not when it is cancelled). A callback whose request has no payload
 * receives the job id as its payload. Callbacks have no parents, key or scheduled time.
 *
 * @param id the id the job will have
 * @param name a name for people
 * @param tasks the tasks it starts with
 * @param planner the task that plans the job in chunks, or {@code null}
 * @param expectedTasks how many tasks the job will have besides its planner, so that progress
 * rises steadily while it is planned; or {@code null}
 * @param onSuccess tasks to enqueue when it succeeds
 * @param onFailure tasks to enqueue when it fails
 * @param onComplete tasks to enqueue when it succeeds or fails
 * @since 0.1.0
 */
public record JobRequest(UUID id, String name, List<TaskRequest> tasks, @Nullable TaskRequest planner,
		@Nullable Integer expectedTasks, List<TaskRequest> onSuccess, List<TaskRequest> onFailure,
		List<TaskRequest> onComplete) {

	/** The longest job name. */
	public static final int MAX_NAME_LENGTH = 255;

	public JobRequest {
		Assert.notNull(id, "'id' must not be null");
		Assert.isTrue(name != null && !name.isBlank() && name.length() <= MAX_NAME_LENGTH,
				() -> "Job name must not be blank or longer than " + MAX_NAME_LENGTH + " characters");
		Assert.isTrue(!tasks.isEmpty() || planner != null,
				() -> "Job '" + name + "' needs at least one task or a planner");
		Assert.isTrue(expectedTasks == null || expectedTasks >= 0,
				() -> "Expected tasks of job '" + name + "' must not be negative");
		tasks = List.copyOf(tasks);
		onSuccess = callbacks(name, "on-success", onSuccess);
		onFailure = callbacks(name, "on-failure", onFailure);
		onComplete = callbacks(name, "on-complete", onComplete);
		Set<UUID> ids = new HashSet<>();
		for (TaskRequest task : all(planner, tasks)) {
			Assert.isTrue(ids.add(task.id()), () -> "Task " + task.id() + " is given twice in job '" + name + "'");
		}
	}

	private static List<TaskRequest> all(@Nullable TaskRequest planner, List<TaskRequest> tasks) {
		List<TaskRequest> all = new ArrayList<>(tasks.size() + 1);
		if (planner != null) {
			all.add(planner);
		}
		all.addAll(tasks);
		return all;
	}

	private static List<TaskRequest> callbacks(String job, String kind, List<TaskRequest> callbacks) {
		for (TaskRequest callback : callbacks) {
			Assert.isTrue(callback.parents().isEmpty() && callback.key() == null && callback.runAt() == null
					&& callback.delay() == null, () -> "The %s callback of job '%s' (type '%s') cannot have parents, a key or a scheduled time"
						.formatted(kind, job, callback.type()));
		}
		return List.copyOf(callbacks);
	}

	/**
	 * Return every task the job starts with: its planner first, if it has one.
	 * @return the tasks
	 */
	public List<TaskRequest> allTasks() {
		return all(this.planner, this.tasks);
	}

	/**
	 * Start building a request for a job with the given name.
	 * @param name a name for people, at most 255 characters
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Builds a {@link JobRequest}.
	 */
	public static final class Builder {

		private final String name;

		private final List<TaskRequest> tasks = new ArrayList<>();

		private @Nullable TaskRequest planner;

		private @Nullable Integer expectedTasks;

		private final List<TaskRequest> onSuccess = new ArrayList<>();

		private final List<TaskRequest> onFailure = new ArrayList<>();

		private final List<TaskRequest> onComplete = new ArrayList<>();

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * Add a task. It may name other tasks of the job, or tasks enqueued before, as parents.
		 * @param task the task
		 * @return this builder
		 */
		public Builder task(TaskRequest task) {
			this.tasks.add(task);
			return this;
		}

		/**
		 * Add tasks. They may name other tasks of the job, or tasks enqueued before, as parents.
		 * @param tasks the tasks
		 * @return this builder
		 */
		public Builder tasks(TaskRequest... tasks) {
			return tasks(List.of(tasks));
		}

		/**
		 * Add tasks. They may name other tasks of the job, or tasks enqueued before, as parents.
		 * @param tasks the tasks
		 * @return this builder
		 */
		public Builder tasks(List<TaskRequest> tasks) {
			this.tasks.addAll(tasks);
			return this;
		}

		/**
		 * Plan the job with the given task: it adds tasks with {@link TaskContext#addToJob} and,
		 * while there are more to add, runs again with {@link TaskContext#planNext}. The job
		 * does not end while it is planned.
		 * @param planner the planner
		 * @return this builder
		 */
		public Builder planner(TaskRequest planner) {
			this.planner = planner;
			return this;
		}

		/**
		 * Say how many tasks the job will have besides its planner, so that its progress is
		 * measured against the whole job while it is planned.
		 * @param expectedTasks the number of tasks
		 * @return this builder
		 */
		public Builder expectedTasks(int expectedTasks) {
			this.expectedTasks = expectedTasks;
			return this;
		}

		/**
		 * Enqueue a task when the job succeeds.
		 * @param callback the task; without a payload it receives the job id
		 * @return this builder
		 */
		public Builder onSuccess(TaskRequest callback) {
			this.onSuccess.add(callback);
			return this;
		}

		/**
		 * Enqueue a task when the job fails, for example to undo what its tasks did.
		 * @param callback the task; without a payload it receives the job id
		 * @return this builder
		 */
		public Builder onFailure(TaskRequest callback) {
			this.onFailure.add(callback);
			return this;
		}

		/**
		 * Enqueue a task when the job ends, whether it succeeded or failed.
		 * @param callback the task; without a payload it receives the job id
		 * @return this builder
		 */
		public Builder onComplete(TaskRequest callback) {
			this.onComplete.add(callback);
			return this;
		}

		/**
		 * Build the request and assign the job id.
		 * @return the request
		 */
		public JobRequest build() {
			return new JobRequest(TaskIds.next(), this.name, this.tasks, this.planner, this.expectedTasks,
					this.onSuccess, this.onFailure, this.onComplete);
		}

	}

}

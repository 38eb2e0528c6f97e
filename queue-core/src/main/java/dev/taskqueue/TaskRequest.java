package dev.taskqueue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A request to enqueue one task: its type, payload and options. Options left unset come from
 * the task type's configuration ({@code taskqueue.types.<type>.*}), then its {@code @Task}
 * annotation, then the defaults.
 * <p>
 * The id is assigned when the request is built, so that a request can name another request of
 * the same {@link TaskQueue#enqueueAll(List) enqueueAll} batch as its parent:
 * <pre class="code">
 * TaskRequest fetch = TaskRequest.of("fetch", url);
 * TaskRequest parse = TaskRequest.builder("parse").after(fetch).build();
 * queue.enqueueAll(List.of(fetch, parse));
 * </pre>
 *
 * @param id the id the task will have
 * @param type the task type
 * @param payload the payload, serialized as JSON, or {@code null}
 * @param queue the queue, or {@code null} for the type's queue
 * @param priority the priority (higher runs first), or {@code null} for the type's priority
 * @param runAt the earliest time to run, or {@code null}
 * @param delay how long after enqueue to run, or {@code null}; ignored when {@code runAt} is set
 * @param key a unique key, or {@code null}: while a task with this key is not finished,
 * enqueueing another returns the existing task instead
 * @param options timeout, heartbeat and retries of this task, over its type's
 * @param parents the ids of the tasks that must end before this one runs: succeed, or, for those
 * also in {@code parentsEvenIfFailed}, succeed or fail
 * @param parentsEvenIfFailed the parents after which this task runs even if they failed, as a
 * cleanup or compensation step; a subset of {@code parents}
 * @since 0.1.0
 */
public record TaskRequest(UUID id, String type, @Nullable Object payload, @Nullable String queue,
		@Nullable Integer priority, @Nullable Instant runAt, @Nullable Duration delay, @Nullable String key,
		TaskOptions options, Set<UUID> parents, Set<UUID> parentsEvenIfFailed) {

	/** The longest unique key. */
	public static final int MAX_KEY_LENGTH = 255;

	/** The latest time a task may run at, the last second every supported database stores. */
	public static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59Z");

	public TaskRequest {
		Assert.notNull(id, "'id' must not be null");
		Assert.hasText(type, "'type' must not be empty");
		Assert.isTrue(queue == null || !queue.isBlank(), "'queue' must not be blank");
		Assert.isTrue(delay == null || !delay.isNegative(),
				() -> "'delay' of a task of type '" + type + "' must not be negative");
		Assert.isTrue(runAt == null || !runAt.isAfter(MAX_RUN_AT),
				() -> "'runAt' of a task of type '" + type + "' must not be after " + MAX_RUN_AT);
		Assert.isTrue(key == null || (!key.isBlank() && key.length() <= MAX_KEY_LENGTH),
				() -> "'key' must not be blank or longer than " + MAX_KEY_LENGTH + " characters");
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(parents, "'parents' must not be null");
		Assert.isTrue(!parents.contains(id), () -> "Task " + id + " cannot be its own parent");
		Assert.notNull(parentsEvenIfFailed, "'parentsEvenIfFailed' must not be null");
		Assert.isTrue(parents.containsAll(parentsEvenIfFailed),
				() -> "Parents of task " + id + " to run after even if they failed must be among its parents");
		parents = Collections.unmodifiableSet(new LinkedHashSet<>(parents));
		parentsEvenIfFailed = Collections.unmodifiableSet(new LinkedHashSet<>(parentsEvenIfFailed));
	}

	/**
	 * Create a request for a task of the given type with the given payload and no options.
	 * @param type the task type
	 * @param payload the payload, or {@code null}
	 * @return the request
	 */
	public static TaskRequest of(String type, @Nullable Object payload) {
		return builder(type).payload(payload).build();
	}

	/**
	 * Start building a request for a task of the given type.
	 * @param type the task type
	 * @return a builder
	 */
	public static Builder builder(String type) {
		return new Builder(type);
	}

	/**
	 * Builds a {@link TaskRequest}.
	 */
	public static final class Builder {

		private final String type;

		private @Nullable Object payload;

		private @Nullable String queue;

		private @Nullable Integer priority;

		private @Nullable Instant runAt;

		private @Nullable Duration delay;

		private @Nullable String key;

		private TaskOptions options = TaskOptions.NONE;

		private final List<UUID> parents = new ArrayList<>();

		private final List<UUID> parentsEvenIfFailed = new ArrayList<>();

		private Builder(String type) {
			this.type = type;
		}

		/**
		 * Set the payload, serialized to JSON with the application's Jackson mapper.
		 * @param payload the payload
		 * @return this builder
		 */
		public Builder payload(@Nullable Object payload) {
			this.payload = payload;
			return this;
		}

		/**
		 * Put the task on the given queue instead of its type's queue.
		 * @param queue the queue name
		 * @return this builder
		 */
		public Builder queue(String queue) {
			this.queue = queue;
			return this;
		}

		/**
		 * Set the priority within the queue: a higher value is claimed first.
		 * @param priority the priority
		 * @return this builder
		 */
		public Builder priority(int priority) {
			this.priority = priority;
			return this;
		}

		/**
		 * Do not run the task before the given time, at the latest {@link TaskRequest#MAX_RUN_AT}.
		 * @param runAt the earliest time to run
		 * @return this builder
		 */
		public Builder runAt(Instant runAt) {
			this.runAt = runAt;
			this.delay = null;
			return this;
		}

		/**
		 * Do not run the task before the given delay, counted from enqueue, has passed. The
		 * task must be due by {@link TaskRequest#MAX_RUN_AT}.
		 * @param delay the delay
		 * @return this builder
		 */
		public Builder delay(Duration delay) {
			this.delay = delay;
			this.runAt = null;
			return this;
		}

		/**
		 * Make the task unique by key: while a task with the same key is not finished
		 * (WAITING, READY or RUNNING), enqueueing returns that task instead of writing another,
		 * on every node.
		 * @param key the key, at most 255 characters
		 * @return this builder
		 */
		public Builder key(String key) {
			this.key = key;
			return this;
		}

		/**
		 * Fail an attempt that runs longer than the given time.
		 * @param timeout the timeout
		 * @return this builder
		 * @throws IllegalArgumentException naming the option and the type if a value is out of
		 * range, such as a duration longer than {@link TaskOptions#MAX_DURATION}
		 * @see TaskOptions#timeout()
		 */
		public Builder timeout(Duration timeout) {
			return options(() -> new TaskOptions(timeout, null, null, null, null, null, null));
		}

		/**
		 * Set how long a claim holds the running task without being renewed.
		 * @param heartbeat the heartbeat
		 * @return this builder
		 * @throws IllegalArgumentException naming the option and the type if a value is out of
		 * range, such as a duration longer than {@link TaskOptions#MAX_DURATION}
		 * @see TaskOptions#heartbeat()
		 */
		public Builder heartbeat(Duration heartbeat) {
			return options(() -> new TaskOptions(null, heartbeat, null, null, null, null, null));
		}

		/**
		 * Set how many times the task runs again after a failed attempt.
		 * @param retries the number of retries, 0 for none
		 * @return this builder
		 */
		public Builder retries(int retries) {
			return options(() -> new TaskOptions(null, null, retries, null, null, null, null));
		}

		/**
		 * Set the wait before the first retry, how much each further wait grows, and the longest
		 * wait.
		 * @param delay the first wait
		 * @param backoff the factor each further wait grows by, 1 for a fixed delay
		 * @param maxDelay the longest wait
		 * @return this builder
		 * @throws IllegalArgumentException naming the option and the type if a value is out of
		 * range, such as a duration longer than {@link TaskOptions#MAX_DURATION}
		 */
		public Builder retryDelay(Duration delay, double backoff, Duration maxDelay) {
			return options(() -> new TaskOptions(null, null, null, delay, backoff, maxDelay, null));
		}

		/**
		 * Set any execution options at once; options set here win over those set before.
		 * @param options the options
		 * @return this builder
		 */
		public Builder options(TaskOptions options) {
			this.options = options.orElse(this.options);
			return this;
		}

		private Builder options(Supplier<TaskOptions> options) {
			try {
				return options(options.get());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"Invalid option of a task of type '" + this.type + "': " + ex.getMessage(), ex);
			}
		}

		/**
		 * Run the task only after every given task has succeeded.
		 * @param parentIds ids of enqueued tasks
		 * @return this builder
		 */
		public Builder after(UUID... parentIds) {
			this.parents.addAll(List.of(parentIds));
			return this;
		}

		/**
		 * Run the task only after every given task has succeeded.
		 * @param parents references to enqueued tasks
		 * @return this builder
		 */
		public Builder after(TaskRef... parents) {
			for (TaskRef parent : parents) {
				this.parents.add(parent.id());
			}
			return this;
		}

		/**
		 * Run the task only after every given task, enqueued earlier or in the same batch, has
		 * succeeded.
		 * @param parents requests for parent tasks
		 * @return this builder
		 */
		public Builder after(TaskRequest... parents) {
			for (TaskRequest parent : parents) {
				this.parents.add(parent.id());
			}
			return this;
		}

		/**
		 * Run the task once every given task has ended, whether it succeeded or failed: a
		 * cleanup or compensation step. It is cancelled with them, and a parent that fails
		 * and is then retried holds it again. A handler reads how a parent ended with
		 * {@link TaskContext#parentResult(UUID, Class)}, which is {@code null} for a parent that
		 * did not succeed.
		 * @param parents requests for parent tasks, enqueued earlier or in the same batch
		 * @return this builder
		 */
		public Builder afterEvenIfFailed(TaskRequest... parents) {
			for (TaskRequest parent : parents) {
				this.parents.add(parent.id());
				this.parentsEvenIfFailed.add(parent.id());
			}
			return this;
		}

		/**
		 * Run the task once every given task has ended, whether it succeeded or failed.
		 * @param parentIds ids of enqueued tasks
		 * @return this builder
		 * @see #afterEvenIfFailed(TaskRequest...)
		 */
		public Builder afterEvenIfFailed(UUID... parentIds) {
			this.parents.addAll(List.of(parentIds));
			this.parentsEvenIfFailed.addAll(List.of(parentIds));
			return this;
		}

		/**
		 * Build the request and assign its task id.
		 * @return the request
		 */
		public TaskRequest build() {
			return new TaskRequest(TaskIds.next(), this.type, this.payload, this.queue, this.priority, this.runAt,
					this.delay, this.key, this.options, new LinkedHashSet<>(this.parents),
					new LinkedHashSet<>(this.parentsEvenIfFailed));
		}

	}

}

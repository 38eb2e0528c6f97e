package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for TaskQueue.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("queue")
public class TaskQueueProperties {

	/**
	 * Whether to enable TaskQueue.
	 */
	private boolean enabled = true;

	/**
	 * Task types, by type name. Configuration overrides what a @Task method declares. Use
	 * the bracket notation for names with dots, such as 'queue.types[email.send].queue'.
	 */
	private final Map<String, Type> types = new LinkedHashMap<>();

	private final Defaults defaults = new Defaults();

	private final Worker worker = new Worker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Type> getTypes() {
		return this.types;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Worker getWorker() {
		return this.worker;
	}

	/**
	 * Configuration of one task type.
	 */
	public static class Type {

		/**
		 * Human label of the type. Defaults to the type name.
		 */
		private @Nullable String name;

		/**
		 * Fully qualified name of the TaskHandler class that runs tasks of this type,
		 * when no @Task method does. Created through the bean factory, so it can be
		 * autowired.
		 */
		private @Nullable String className;

		/**
		 * Queue that tasks of this type run on.
		 */
		private @Nullable String queue;

		/**
		 * Priority of tasks of this type within their queue, higher first.
		 */
		private @Nullable Integer priority;

		/**
		 * How long one attempt may run.
		 */
		private @Nullable Duration timeout;

		/**
		 * Whether tasks of this type may be enqueued.
		 */
		private boolean enabled = true;

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getClassName() {
			return this.className;
		}

		public void setClassName(@Nullable String className) {
			this.className = className;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public @Nullable Integer getPriority() {
			return this.priority;
		}

		public void setPriority(@Nullable Integer priority) {
			this.priority = priority;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Options of task types that neither configuration nor annotation sets.
	 */
	public static class Defaults {

		/**
		 * Queue that tasks run on.
		 */
		private String queue = "default";

		/**
		 * Priority of tasks within their queue, higher first.
		 */
		private int priority = 0;

		/**
		 * How long one attempt may run. Unlimited by default.
		 */
		private @Nullable Duration timeout;

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public int getPriority() {
			return this.priority;
		}

		public void setPriority(int priority) {
			this.priority = priority;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Workers of this node.
	 */
	public static class Worker {

		/**
		 * Whether to start workers on this node. When disabled, the node only enqueues.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of tasks that run at once on this node.
		 */
		private int concurrency = 10;

		/**
		 * How often to poll for tasks when nothing wakes the poller.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Maximum number of tasks that one claim takes.
		 */
		private int batchSize = 100;

		/**
		 * Queues that this node serves. When empty, every queue of the known task types.
		 */
		private List<String> queues = new ArrayList<>();

		/**
		 * How long stopping waits for running tasks before handing them back to the queue.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * How long a claim holds a task: the time, recorded on each claim, after which a
		 * running task counts as abandoned by its node.
		 */
		private Duration lease = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

	}

}

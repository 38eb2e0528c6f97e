package dev.taskqueue.type;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;

/**
 * Options of a task type as one source declares them (configuration, annotation or defaults);
 * {@code null} means "not set here".
 *
 * @param label a human label
 * @param queue the queue its tasks run on
 * @param priority the priority of its tasks within the queue
 * @param options timeout, heartbeat and retries of its tasks
 * @param noRetryFor exception types that fail a task at once, with their subclasses
 * @since 0.1.0
 */
public record TaskTypeSettings(@Nullable String label, @Nullable String queue, @Nullable Integer priority,
		TaskOptions options, @Nullable List<Class<? extends Throwable>> noRetryFor) {

	/** Settings that set nothing. */
	public static final TaskTypeSettings NONE = new TaskTypeSettings(null, null, null, TaskOptions.NONE, null);

	public TaskTypeSettings {
		noRetryFor = (noRetryFor != null) ? List.copyOf(noRetryFor) : null;
	}

	/**
	 * Return these settings, with what they leave unset taken from the given ones.
	 * @param fallback the settings of lower precedence
	 * @return the merged settings
	 */
	public TaskTypeSettings orElse(TaskTypeSettings fallback) {
		return new TaskTypeSettings((this.label != null) ? this.label : fallback.label,
				(this.queue != null) ? this.queue : fallback.queue,
				(this.priority != null) ? this.priority : fallback.priority, this.options.orElse(fallback.options),
				(this.noRetryFor != null) ? this.noRetryFor : fallback.noRetryFor);
	}

}

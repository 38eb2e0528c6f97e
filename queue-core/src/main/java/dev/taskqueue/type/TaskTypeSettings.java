package dev.taskqueue.type;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Options of a task type as one source declares them (configuration, annotation or defaults);
 * {@code null} means "not set here".
 *
 * @param label a human label
 * @param queue the queue its tasks run on
 * @param priority the priority of its tasks within the queue
 * @param timeout how long one attempt may run
 * @since 0.1.0
 */
public record TaskTypeSettings(@Nullable String label, @Nullable String queue, @Nullable Integer priority,
		@Nullable Duration timeout) {

	/** Settings that set nothing. */
	public static final TaskTypeSettings NONE = new TaskTypeSettings(null, null, null, null);

	/**
	 * Return these settings, with what they leave unset taken from the given ones.
	 * @param fallback the settings of lower precedence
	 * @return the merged settings
	 */
	public TaskTypeSettings orElse(TaskTypeSettings fallback) {
		return new TaskTypeSettings((this.label != null) ? this.label : fallback.label,
				(this.queue != null) ? this.queue : fallback.queue,
				(this.priority != null) ? this.priority : fallback.priority,
				(this.timeout != null) ? this.timeout : fallback.timeout);
	}

}

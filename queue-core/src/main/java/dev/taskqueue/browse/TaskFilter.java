package dev.taskqueue.browse;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.TaskStatus;

/**
 * Which tasks to list: each given value must match, absent ones match every task.
 *
 * @param status the status, or {@code null}
 * @param type the task type, or {@code null}
 * @param queue the queue, or {@code null}
 * @param jobId the job, or {@code null}
 * @param from the earliest creation time, inclusive, or {@code null}
 * @param to the latest creation time, exclusive, or {@code null}
 * @since 0.1.0
 */
public record TaskFilter(@Nullable TaskStatus status, @Nullable String type, @Nullable String queue,
		@Nullable UUID jobId, @Nullable Instant from, @Nullable Instant to) {

	/** Every task. */
	public static final TaskFilter ALL = new TaskFilter(null, null, null, null, null, null);

	public TaskFilter {
		Assert.isTrue(from == null || to == null || from.isBefore(to),
				() -> "'from' (" + from + ") must be before 'to' (" + to + ")");
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		append(text, "status", this.status);
		append(text, "type", this.type);
		append(text, "queue", this.queue);
		append(text, "job", this.jobId);
		append(text, "from", this.from);
		append(text, "to", this.to);
		return (text.length() > 0) ? text.toString() : "all tasks";
	}

	private static void append(StringBuilder text, String name, @Nullable Object value) {
		if (value != null) {
			text.append((text.length() > 0) ? ", " : "").append(name).append('=').append(value);
		}
	}

}

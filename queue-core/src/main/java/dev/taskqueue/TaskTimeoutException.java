package dev.taskqueue;

import java.time.Duration;
import java.util.UUID;

import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

/**
 * Thrown when waiting for a task's result takes longer than the caller allowed. The task is
 * not cancelled: it may still run; look it up or cancel it by its id.
 *
 * @since 0.1.0
 */
public class TaskTimeoutException extends TaskQueueException {

	private final UUID taskId;

	public TaskTimeoutException(UUID taskId, String type, Duration timeout) {
		super("Task %s (type '%s') did not finish within %s; it is still queued or running".formatted(taskId, type,
				DurationFormatterUtils.print(timeout, DurationFormat.Style.SIMPLE)));
		this.taskId = taskId;
	}

	/**
	 * Return the id of the task that did not finish in time.
	 * @return the task id
	 */
	public UUID getTaskId() {
		return this.taskId;
	}

}

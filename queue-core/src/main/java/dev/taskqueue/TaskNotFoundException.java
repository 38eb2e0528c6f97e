package dev.taskqueue;

import java.util.UUID;

/**
 * Thrown when a task named by id does not exist, for example a parent given at enqueue.
 *
 * @since 0.1.0
 */
public class TaskNotFoundException extends TaskQueueException {

	private final UUID taskId;

	public TaskNotFoundException(UUID taskId, String message) {
		super(message);
		this.taskId = taskId;
	}

	/**
	 * Return the id of the task that was not found.
	 * @return the task id
	 */
	public UUID getTaskId() {
		return this.taskId;
	}

}

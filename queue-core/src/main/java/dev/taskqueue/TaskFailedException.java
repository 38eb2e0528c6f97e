package dev.taskqueue;

/**
 * Thrown when waiting for a task's result and the task ended FAILED or CANCELLED. Carries the
 * task's final state, with every attempt's error.
 *
 * @since 0.1.0
 */
public class TaskFailedException extends TaskQueueException {

	private final TaskState task;

	public TaskFailedException(TaskState task) {
		super(message(task));
		this.task = task;
	}

	/**
	 * Return the task as it ended.
	 * @return the task's state
	 */
	public TaskState getTask() {
		return this.task;
	}

	private static String message(TaskState task) {
		String message = "Task %s (type '%s') ended %s after %d attempt(s)".formatted(task.id(), task.type(),
				task.status(), task.attempts());
		return (task.errorMessage() != null) ? message + ": " + task.errorMessage() : message;
	}

}

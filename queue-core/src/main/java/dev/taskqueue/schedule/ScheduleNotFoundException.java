package dev.taskqueue.schedule;

import dev.taskqueue.TaskQueueException;

/**
 * Thrown when a schedule named by the caller does not exist.
 *
 * @since 0.1.0
 */
public class ScheduleNotFoundException extends TaskQueueException {

	private final String scheduleName;

	public ScheduleNotFoundException(String scheduleName) {
		super("Schedule '" + scheduleName + "' not found");
		this.scheduleName = scheduleName;
	}

	/**
	 * Return the name of the schedule that was not found.
	 * @return the schedule name
	 */
	public String getScheduleName() {
		return this.scheduleName;
	}

}

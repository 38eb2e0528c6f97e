package dev.taskqueue;

/**
 * The life cycle of a job. A job runs until none of its tasks can go on, then ends
 * {@link #SUCCEEDED}, {@link #FAILED} or {@link #CANCELLED}.
 *
 * @since 0.1.0
 */
public enum JobStatus {

	/** Some of its tasks are waiting, ready or running, or it is still being planned. */
	RUNNING,

	/** Every one of its tasks succeeded. */
	SUCCEEDED,

	/**
	 * A task failed with no retries left (or was cancelled on its own) and nothing else in the
	 * job can run: its other tasks have finished or wait for a failed one.
	 * {@link TaskQueue#retryJob} reopens it.
	 */
	FAILED,

	/** Cancelled with {@link TaskQueue#cancelJob}. */
	CANCELLED;

	/**
	 * Whether a job in this status has ended.
	 * @return {@code true} unless {@link #RUNNING}
	 */
	public boolean isFinished() {
		return this != RUNNING;
	}

}

package dev.taskqueue;

/**
 * The life cycle of one task. A task ends {@link #SUCCEEDED}, {@link #FAILED} or
 * {@link #CANCELLED}; until then it is waiting for its parents, ready to be claimed, or running.
 *
 * @since 0.1.0
 */
public enum TaskStatus {

	/** Waiting for one or more parent tasks to succeed. */
	WAITING,

	/** Ready to be claimed by a worker once its scheduled time has come. */
	READY,

	/** Claimed by a worker and running. */
	RUNNING,

	/** Finished and its result stored. */
	SUCCEEDED,

	/** Finished with an error; {@link TaskQueue#retry} runs it again. */
	FAILED,

	/** Cancelled before it finished; {@link TaskQueue#retry} runs it again. */
	CANCELLED;

	/**
	 * Whether a task in this status has ended, for now: it will not run unless retried.
	 * @return {@code true} for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}
	 */
	public boolean isFinished() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}

}

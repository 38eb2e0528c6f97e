package dev.taskqueue;

import java.util.UUID;

/**
 * Thrown when a job named by id does not exist.
 *
 * @since 0.1.0
 */
public class JobNotFoundException extends TaskQueueException {

	private final UUID jobId;

	public JobNotFoundException(UUID jobId) {
		super("Job " + jobId + " not found");
		this.jobId = jobId;
	}

	/**
	 * Return the id of the job that was not found.
	 * @return the job id
	 */
	public UUID getJobId() {
		return this.jobId;
	}

}

package dev.taskqueue.complete;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.taskqueue.TaskMdc;
import dev.taskqueue.store.TaskOutcome;

/**
 * Logs failed attempts once the store has recorded them, so that an attempt no longer
 * current logs nothing: one to be retried at WARN, one that ended its task FAILED at ERROR.
 * Payloads are never logged. The task's keys are in the {@link TaskMdc MDC} meanwhile.
 *
 * @since 0.1.0
 */
public final class FailureLog {

	private static final Log logger = LogFactory.getLog(FailureLog.class);

	private FailureLog() {
	}

	/**
	 * Log a failed attempt that was recorded.
	 * @param type the task's type
	 * @param failed the attempt's outcome
	 */
	public static void recorded(String type, TaskOutcome.Failed failed) {
		try (TaskMdc.Scope mdc = TaskMdc.put(failed.id(), type, failed.attempt(), failed.jobId())) {
			if (failed.retryAt() != null) {
				logger.warn("Task " + failed.id() + " (type '" + type + "') failed attempt " + failed.attempt()
						+ ", retrying at " + failed.retryAt() + ": " + failed.message());
			}
			else {
				logger.error("Task " + failed.id() + " (type '" + type + "') ended FAILED after attempt "
						+ failed.attempt() + ": " + failed.message());
			}
		}
	}

}

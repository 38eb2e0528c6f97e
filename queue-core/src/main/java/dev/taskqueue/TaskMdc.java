package dev.taskqueue;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The keys TaskQueue puts in the SLF4J {@link MDC} of the thread that runs a task's handler,
 * for as long as the handler runs, and around every line TaskQueue logs about that task (its
 * failures, its timeout, its lost claim): so that a log pattern such as
 * {@code %X{taskqueue.task.id}} ties each line to its task. What the keys held before is
 * restored afterwards.
 *
 * @since 0.1.0
 */
public final class TaskMdc {

	/** The key of the task id. */
	public static final String TASK_ID = "taskqueue.task.id";

	/** The key of the task type. */
	public static final String TASK_TYPE = "taskqueue.task.type";

	/** The key of the attempt number, from 1. */
	public static final String TASK_ATTEMPT = "taskqueue.task.attempt";

	/** The key of the id of the task's job; absent while a task of no job runs. */
	public static final String JOB_ID = "taskqueue.job.id";

	private static final String[] KEYS = { TASK_ID, TASK_TYPE, TASK_ATTEMPT, JOB_ID };

	private TaskMdc() {
	}

	/**
	 * Put a task's keys in the calling thread's MDC until the returned scope is closed. A
	 * handler that hands work to threads of its own can call this on them.
	 * @param taskId the task id
	 * @param type the task type
	 * @param attempt the attempt number
	 * @param jobId the task's job, or {@code null}
	 * @return the scope, which restores what the keys held before once closed
	 */
	public static Scope put(UUID taskId, String type, int attempt, @Nullable UUID jobId) {
		Scope scope = new Scope();
		MDC.put(TASK_ID, taskId.toString());
		MDC.put(TASK_TYPE, type);
		MDC.put(TASK_ATTEMPT, Integer.toString(attempt));
		if (jobId != null) {
			MDC.put(JOB_ID, jobId.toString());
		}
		else {
			MDC.remove(JOB_ID);
		}
		return scope;
	}

	/**
	 * A task's keys in the MDC of one thread; closing it restores what they held before.
	 */
	public static final class Scope implements AutoCloseable {

		private final @Nullable String[] previous = new String[KEYS.length];

		private Scope() {
			for (int i = 0; i < KEYS.length; i++) {
				this.previous[i] = MDC.get(KEYS[i]);
			}
		}

		@Override
		public void close() {
			for (int i = 0; i < KEYS.length; i++) {
				if (this.previous[i] != null) {
					MDC.put(KEYS[i], this.previous[i]);
				}
				else {
					MDC.remove(KEYS[i]);
				}
			}
		}

	}

}

package dev.taskqueue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The queue an application enqueues work on, and where it looks tasks up and steers them.
 * <p>
 * Enqueueing inside a Spring transaction joins it: if the transaction rolls back, the task never
 * existed. Otherwise each call is its own transaction. A task type without a handler, a payload
 * that cannot be written as JSON, or a parent that does not exist is rejected before anything is
 * written.
 *
 * @since 0.1.0
 */
public interface TaskQueue {

	/**
	 * Enqueue a task with the given payload and the type's default options.
	 * @param type the task type
	 * @param payload the payload, or {@code null}
	 * @return a reference to the new task
	 * @throws UnknownTaskTypeException if no handler runs tasks of that type
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 * @throws TaskQueueUnavailableException if the database cannot be reached
	 */
	default TaskRef enqueue(String type, @Nullable Object payload) {
		return enqueue(TaskRequest.of(type, payload));
	}

	/**
	 * Enqueue a task. If the request has a unique key that an unfinished task already holds,
	 * nothing is written and the reference names that task.
	 * @param request the request
	 * @return a reference to the new task, or to the task holding its key
	 * @throws UnknownTaskTypeException if no handler runs tasks of that type
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 * @throws TaskNotFoundException if a parent does not exist
	 */
	TaskRef enqueue(TaskRequest request);

	/**
	 * Enqueue many tasks in one round trip and one transaction. A request may name another
	 * request of the same batch as its parent.
	 * @param requests the requests
	 * @return references to the new tasks, in the order of the requests
	 * @throws UnknownTaskTypeException if no handler runs tasks of one of the types
	 * @throws TaskPayloadException if a payload cannot be written as JSON
	 * @throws TaskNotFoundException if a parent does not exist
	 */
	List<TaskRef> enqueueAll(List<TaskRequest> requests);

	/**
	 * Return a future that completes with a task's state once it has finished: SUCCEEDED,
	 * FAILED (with no retries left) or CANCELLED. A task that finishes on this node completes
	 * its future as soon as its outcome is written; one that finishes elsewhere within about
	 * 100 ms.
	 * @param id the task id
	 * @return the future
	 */
	CompletableFuture<TaskState> whenFinished(UUID id);

	/**
	 * Enqueue a task and return a future of its result.
	 * @param <T> the result type
	 * @param request the request
	 * @param resultType the type to read the result as
	 * @return a future that completes with the result once the task has succeeded, or
	 * exceptionally with a {@link TaskFailedException} if it ended FAILED or CANCELLED
	 * @throws UnknownTaskTypeException if no handler runs tasks of that type
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 */
	<T> CompletableFuture<@Nullable T> submit(TaskRequest request, Class<T> resultType);

	/**
	 * Enqueue a task and wait for its result.
	 * @param <T> the result type
	 * @param type the task type
	 * @param payload the payload, or {@code null}
	 * @param resultType the type to read the result as
	 * @param timeout how long to wait
	 * @return the result, or {@code null} if the handler returned none
	 * @throws TaskFailedException if the task ended FAILED or CANCELLED, with its errors
	 * @throws TaskTimeoutException if it did not finish in time; it is not cancelled
	 */
	default <T> @Nullable T apply(String type, @Nullable Object payload, Class<T> resultType, Duration timeout) {
		return apply(TaskRequest.of(type, payload), resultType, timeout);
	}

	/**
	 * Enqueue a task and wait for its result.
	 * @param <T> the result type
	 * @param request the request
	 * @param resultType the type to read the result as
	 * @param timeout how long to wait
	 * @return the result, or {@code null} if the handler returned none
	 * @throws TaskFailedException if the task ended FAILED or CANCELLED, with its errors
	 * @throws TaskTimeoutException if it did not finish in time; it is not cancelled
	 */
	<T> @Nullable T apply(TaskRequest request, Class<T> resultType, Duration timeout);

	/**
	 * Look a task up.
	 * @param id the task id
	 * @return the task's state, or empty if there is no such task
	 */
	Optional<TaskState> find(UUID id);

	/**
	 * Cancel a task that has not succeeded, and every descendant still waiting for it. A running
	 * task is interrupted if it runs on this node; its result, if it still produces one, is
	 * discarded.
	 * @param id the task id
	 * @return {@code true} if the task was cancelled, {@code false} if it had already
	 * succeeded or was already cancelled
	 * @throws TaskNotFoundException if there is no such task
	 */
	boolean cancel(UUID id);

	/**
	 * Run a FAILED or CANCELLED task again. If it has parents that have not all succeeded, it
	 * waits for them first. Its waiting children go on once it succeeds.
	 * @param id the task id
	 * @return {@code true} if the task was queued again, {@code false} if it was neither
	 * FAILED nor CANCELLED
	 * @throws TaskNotFoundException if there is no such task
	 */
	boolean retry(UUID id);

	/**
	 * Start a job: write it, its tasks and its callbacks in one transaction (the caller's, if
	 * there is one), all of it or none of it.
	 * @param request the job
	 * @return a reference to the job
	 * @throws UnknownTaskTypeException if no handler runs tasks of one of the types
	 * @throws TaskPayloadException if a payload cannot be written as JSON
	 * @throws TaskNotFoundException if a parent does not exist
	 */
	JobRef startJob(JobRequest request);

	/**
	 * Add tasks to a running job.
	 * @param jobId the job id
	 * @param tasks the tasks; they may name each other, and tasks enqueued before, as parents
	 * @return references to the new tasks, in order
	 * @throws JobNotFoundException if there is no such job
	 * @throws TaskQueueException if the job has ended; nothing is written then
	 */
	List<TaskRef> addToJob(UUID jobId, List<TaskRequest> tasks);

	/**
	 * Look a job up, with how many of its tasks are in each status and its progress.
	 * @param jobId the job id
	 * @return the job's state, or empty if there is no such job
	 */
	Optional<JobState> findJob(UUID jobId);

	/**
	 * List a job's tasks in the order they were added, a page at a time.
	 * @param jobId the job id
	 * @param status only tasks in this status, or {@code null} for all
	 * @param offset how many tasks to skip
	 * @param limit how many tasks at most
	 * @return the tasks
	 */
	List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit);

	/**
	 * Cancel a job that has not succeeded: every one of its tasks still waiting, ready or
	 * running is cancelled (running ones are interrupted), with the tasks outside the job still
	 * waiting for them. No callback runs.
	 * @param jobId the job id
	 * @return {@code true} if the job was cancelled, {@code false} if it had already succeeded
	 * or been cancelled
	 * @throws JobNotFoundException if there is no such job
	 */
	boolean cancelJob(UUID jobId);

	/**
	 * Run a job's FAILED tasks again, as {@link #retry(UUID)} does; a FAILED job runs again.
	 * @param jobId the job id
	 * @return how many tasks were queued again
	 * @throws JobNotFoundException if there is no such job
	 * @throws TaskQueueException if the job was cancelled
	 */
	int retryJob(UUID jobId);

}

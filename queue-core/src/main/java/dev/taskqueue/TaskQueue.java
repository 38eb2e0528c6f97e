package dev.taskqueue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

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
	 */
	default TaskRef enqueue(String type, @Nullable Object payload) {
		return enqueue(TaskRequest.of(type, payload));
	}

	/**
	 * Enqueue a task.
	 * @param request the request
	 * @return a reference to the new task
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

}

package dev.taskqueue;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.schedule.ScheduleSlot;

/**
 * The running task, as its handler sees it. A {@code @Task} method receives it by declaring a
 * parameter of this type.
 *
 * @since 0.1.0
 */
public interface TaskContext {

	/**
	 * Return the task id.
	 * @return the task id
	 */
	UUID taskId();

	/**
	 * Return the task type.
	 * @return the task type
	 */
	String type();

	/**
	 * Return the queue the task runs on.
	 * @return the queue name
	 */
	String queue();

	/**
	 * Return which attempt this is, starting at 1.
	 * @return the attempt number
	 */
	int attempt();

	/**
	 * Return the payload as stored.
	 * @return the payload, or {@code null} if the task has none
	 */
	@Nullable JsonValue payload();

	/**
	 * Whether the task has been cancelled while running. A long-running handler should check
	 * this and return early; its thread is also interrupted.
	 * @return {@code true} once the task has been cancelled
	 */
	boolean isCancelled();

	/**
	 * Tell the queue the handler is alive: extends the task's lease now if a third of its
	 * heartbeat has passed since the last renewal (the worker renews it too, so calling this
	 * is optional), and makes {@link #isCancelled()} turn true at once if the task was
	 * cancelled or taken back meanwhile.
	 */
	void heartbeat();

	/**
	 * Report how far the handler has come, for {@link TaskQueue#find(UUID)} to show. Cheap
	 * enough to call in a hot loop: only the latest report is kept, and the node writes the
	 * latest reports of all its running tasks together, at most once per progress interval
	 * (1 second by default), plus the last one when the attempt ends. Only the attempt that
	 * holds the task's current claim writes. A message longer than
	 * {@link TaskProgress#MAX_MESSAGE_LENGTH} chars is cut.
	 * @param fraction the share of the work done, from 0 to 1
	 * @param message what to show with it, such as {@code "row 1200 of 5000"}, or {@code null}
	 * @throws IllegalArgumentException if the fraction is not a number from 0 to 1; nothing is
	 * reported then
	 */
	void progress(double fraction, @Nullable String message);

	/**
	 * Report how far the handler has come, as a percentage, like
	 * {@link #progress(double, String)}.
	 * @param percent the share of the work done, from 0 to 100
	 * @param message what to show with it, or {@code null}
	 * @throws IllegalArgumentException if the percentage is not from 0 to 100; nothing is
	 * reported then
	 */
	void progressPercent(int percent, @Nullable String message);

	/**
	 * Read the result of one of the task's parents, as a value of the given type.
	 * @param <T> the type
	 * @param parentId the parent's id
	 * @param type the type to bind to
	 * @return the result, or {@code null} if the parent returned none or did not succeed (a
	 * parent the task runs after {@linkplain TaskRequest.Builder#afterEvenIfFailed even if it
	 * failed})
	 * @throws IllegalArgumentException if the task has no such parent
	 */
	<T> @Nullable T parentResult(UUID parentId, Class<T> type);

	/**
	 * Read the result of the task's parent of the given type, as a value of the given type.
	 * @param <T> the type
	 * @param parentType the parent's task type, which only one parent may have
	 * @param type the type to bind to
	 * @return the result, or {@code null} if the parent returned none or did not succeed
	 * @throws IllegalArgumentException if the task has no parent of that type, or more than one
	 */
	<T> @Nullable T parentResult(String parentType, Class<T> type);

	/**
	 * Return the schedule slot the task was fired for: the schedule's name and the slot's
	 * instant, which is not when the task runs.
	 * @return the slot, or {@code null} if no schedule fired the task
	 */
	@Nullable ScheduleSlot scheduleSlot();

	/**
	 * Return the job the task belongs to.
	 * @return the job id, or {@code null} if the task belongs to no job
	 */
	@Nullable UUID jobId();

	/**
	 * Add tasks to the task's job once this attempt succeeds, in the same transaction that
	 * records its success: if the attempt fails, nothing is added. The tasks may name each
	 * other, and tasks enqueued before, as parents.
	 * @param tasks the tasks
	 * @throws IllegalStateException if the task belongs to no job
	 * @throws UnknownTaskTypeException if no handler runs tasks of one of the types
	 * @throws TaskPayloadException if a payload cannot be written as JSON
	 */
	void addToJob(List<TaskRequest> tasks);

	/**
	 * Run this task again once this attempt succeeds, with the given payload: the cursor of
	 * the next chunk a planner adds. The job stays open until the planner succeeds without
	 * asking for a next run. The next run has retries of its own.
	 * @param nextPayload the payload of the next run
	 * @throws IllegalStateException if the task belongs to no job
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 */
	void planNext(Object nextPayload);

	/**
	 * Set the result of the task's job once this attempt succeeds.
	 * @param result the result, written as JSON
	 * @throws IllegalStateException if the task belongs to no job
	 * @throws TaskPayloadException if the result cannot be written as JSON
	 */
	void setJobResult(Object result);

}

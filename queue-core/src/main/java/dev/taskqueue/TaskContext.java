package dev.taskqueue;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

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

}

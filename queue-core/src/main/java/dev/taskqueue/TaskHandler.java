package dev.taskqueue;

import org.jspecify.annotations.Nullable;

/**
 * Runs tasks of one type: the alternative to a {@code @Task} method for handlers written as
 * classes, named by {@code taskqueue.types.<type>.class-name} and created through the bean factory
 * so that they can be autowired.
 * <p>
 * The payload type {@code P} is read from the implementing class's generic signature; the
 * stored JSON payload is bound to it with Jackson.
 *
 * @param <P> the payload type
 * @since 0.1.0
 */
@FunctionalInterface
public interface TaskHandler<P> {

	/**
	 * Run one task.
	 * @param payload the task's payload, or {@code null} if it has none
	 * @param context the running task
	 * @return the result to store as JSON, or {@code null}
	 * @throws Exception to fail the attempt
	 */
	@Nullable Object handle(@Nullable P payload, TaskContext context) throws Exception;

}

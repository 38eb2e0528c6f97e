package dev.taskqueue.type;

import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.NonRetryableException;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;

/**
 * A task type, resolved: its options after precedence, and the handler that runs its tasks.
 *
 * @param name the type name
 * @param label a human label
 * @param queue the queue its tasks run on unless a request says otherwise
 * @param priority the priority of its tasks unless a request says otherwise
 * @param options timeout, heartbeat and retries of its tasks unless a request says otherwise;
 * every option but the timeout is set
 * @param noRetryFor exception types that fail a task at once, with their subclasses
 * @param handler the handler
 * @param payloadType the type the payload is bound to, or {@code null} when the handler takes none
 * @param payloadRequired whether a task must have a payload: see
 * {@link TaskTypeRegistry#requiresPayload(Parameter)}
 * @param source where the handler comes from, for messages
 * @since 0.1.0
 */
public record TaskType(String name, String label, String queue, int priority, TaskOptions options,
		List<Class<? extends Throwable>> noRetryFor, TaskHandler<Object> handler, @Nullable Type payloadType,
		boolean payloadRequired, String source) {

	/**
	 * Return whether a failure with the given exception may be retried: not if the exception,
	 * or one of its causes, is a {@link NonRetryableException} or one of the
	 * {@link #noRetryFor()} types.
	 * @param failure the exception
	 * @return whether another attempt may succeed
	 */
	public boolean isRetryable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof NonRetryableException) {
				return false;
			}
			for (Class<? extends Throwable> type : this.noRetryFor) {
				if (type.isInstance(cause)) {
					return false;
				}
			}
		}
		return true;
	}

}

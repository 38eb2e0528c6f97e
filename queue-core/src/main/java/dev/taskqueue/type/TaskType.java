package dev.taskqueue.type;

import java.lang.reflect.Type;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskHandler;

/**
 * A task type, resolved: its options after precedence, and the handler that runs its tasks.
 *
 * @param name the type name
 * @param label a human label
 * @param queue the queue its tasks run on unless a request says otherwise
 * @param priority the priority of its tasks unless a request says otherwise
 * @param timeout how long one attempt may run, or {@code null} for no limit
 * @param handler the handler
 * @param payloadType the type the payload is bound to, or {@code null} when the handler takes none
 * @param source where the handler comes from, for messages
 * @since 0.1.0
 */
public record TaskType(String name, String label, String queue, int priority, @Nullable Duration timeout,
		TaskHandler<Object> handler, @Nullable Type payloadType, String source) {

}

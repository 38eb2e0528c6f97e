package dev.taskqueue;

import java.util.Collection;

/**
 * Thrown when a task type has no handler: no {@code @Task} method and no
 * {@code queue.types.<type>.class-name}.
 *
 * @since 0.1.0
 */
public class UnknownTaskTypeException extends TaskQueueException {

	private final String type;

	public UnknownTaskTypeException(String type, Collection<String> knownTypes) {
		super("Task type '%s' not found: declare a @Task method or queue.types.%s.class-name (known types: %s)"
			.formatted(type, type, knownTypes.isEmpty() ? "none" : String.join(", ", knownTypes)));
		this.type = type;
	}

	/**
	 * Return the type that was not found.
	 * @return the type
	 */
	public String getType() {
		return this.type;
	}

}

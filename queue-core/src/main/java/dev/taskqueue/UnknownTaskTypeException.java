package dev.taskqueue;

import java.util.Collection;

/**
 * Thrown when a task type has no handler: no {@code @Task} method and no
 * {@code taskqueue.types.<type>.class-name}.
 *
 * @since 0.1.0
 */
public class UnknownTaskTypeException extends TaskQueueException {

	private final String type;

	/**
	 * Create an exception for a type that was not found.
	 * @param type the type
	 * @param classNameProperty the property that would name a handler class for it
	 * @param knownTypes the types that have handlers
	 */
	public UnknownTaskTypeException(String type, String classNameProperty, Collection<String> knownTypes) {
		super("Task type '%s' not found: declare a @Task method or %s (known types: %s)".formatted(type,
				classNameProperty, knownTypes.isEmpty() ? "none" : String.join(", ", knownTypes)));
		this.type = type;
	}

	/**
	 * Create an exception for a type that was not found, with a message of its own.
	 * @param message the message, naming the type and where it was asked for
	 * @param cause the exception of the lookup
	 */
	public UnknownTaskTypeException(String message, UnknownTaskTypeException cause) {
		super(message, cause);
		this.type = cause.getType();
	}

	/**
	 * Return the type that was not found.
	 * @return the type
	 */
	public String getType() {
		return this.type;
	}

}

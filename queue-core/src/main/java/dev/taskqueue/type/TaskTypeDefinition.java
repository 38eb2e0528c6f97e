package dev.taskqueue.type;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.TaskHandler;

/**
 * A task type as configured ({@code taskqueue.types.<name>.*}), before handlers are attached.
 *
 * @param name the type name
 * @param handlerClass the {@link TaskHandler} class that runs it, or {@code null} when a
 * {@code @Task} method does
 * @param settings its configured options
 * @param enabled whether tasks of this type may be enqueued
 * @since 0.1.0
 */
public record TaskTypeDefinition(String name, @Nullable Class<?> handlerClass, TaskTypeSettings settings,
		boolean enabled) {

	public TaskTypeDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(settings, "'settings' must not be null");
	}

	/**
	 * Return the configuration property of a type's option, in the form a user writes it: a
	 * type name with dots needs brackets ({@code taskqueue.types[email.send].class-name}).
	 * @param type the type name
	 * @param option the option, such as {@code class-name}
	 * @return the property name
	 */
	public static String property(String type, String option) {
		String key = type.contains(".") ? "taskqueue.types[" + type + "]" : "taskqueue.types." + type;
		return key + "." + option;
	}

}

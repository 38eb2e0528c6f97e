package dev.taskqueue.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.type.TaskTypeDefinition;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * Maps {@link TaskQueueProperties#getTypes() queue.types} to the
 * {@link TaskTypeDefinition task type definitions} of the core registry.
 *
 * @since 0.1.0
 */
public final class TaskTypesPropertiesMapper {

	private final TaskQueueProperties properties;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Create a mapper.
	 * @param properties the properties to map
	 * @param classLoader the class loader that loads handler classes, or {@code null} for the
	 * default one
	 */
	public TaskTypesPropertiesMapper(TaskQueueProperties properties, @Nullable ClassLoader classLoader) {
		this.properties = properties;
		this.classLoader = classLoader;
	}

	/**
	 * Map the configured task types.
	 * @return the definitions, in configuration order
	 * @throws InvalidConfigurationPropertyValueException if a {@code class-name} cannot be
	 * loaded or does not implement {@link TaskHandler}
	 */
	public List<TaskTypeDefinition> asTaskTypeDefinitions() {
		List<TaskTypeDefinition> definitions = new ArrayList<>();
		this.properties.getTypes().forEach((name, type) -> definitions.add(getDefinition(name, type)));
		return definitions;
	}

	private TaskTypeDefinition getDefinition(String name, TaskQueueProperties.Type type) {
		TaskTypeSettings settings = new TaskTypeSettings(type.getName(), type.getQueue(), type.getPriority(),
				type.getTimeout());
		return new TaskTypeDefinition(name, getHandlerClass(name, type.getClassName()), settings, type.isEnabled());
	}

	private @Nullable Class<?> getHandlerClass(String name, @Nullable String className) {
		if (!StringUtils.hasText(className)) {
			return null;
		}
		String property = TaskTypeDefinition.property(name, "class-name");
		Class<?> handlerClass;
		try {
			handlerClass = ClassUtils.forName(className, this.classLoader);
		}
		catch (ClassNotFoundException ex) {
			throw new InvalidConfigurationPropertyValueException(property, className, "Class not found");
		}
		catch (LinkageError ex) {
			throw new InvalidConfigurationPropertyValueException(property, className,
					"Class could not be loaded: " + ex);
		}
		if (!TaskHandler.class.isAssignableFrom(handlerClass)) {
			throw new InvalidConfigurationPropertyValueException(property, className,
					"Class does not implement " + TaskHandler.class.getName());
		}
		return handlerClass;
	}

}

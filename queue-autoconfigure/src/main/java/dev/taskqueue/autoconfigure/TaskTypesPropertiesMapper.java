package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.type.TaskTypeDefinition;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * Maps {@link TaskQueueProperties#getTypes() taskqueue.types} and
 * {@link TaskQueueProperties#getDefaults() taskqueue.defaults} to the
 * {@link TaskTypeDefinition task type definitions} and default {@link TaskTypeSettings
 * settings} of the core registry.
 *
 * @since 0.1.0
 */
public final class TaskTypesPropertiesMapper {

	private static final String HTTP_TASK_TYPES = "dev.taskqueue.http.HttpTaskTypes";

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
	 * loaded or does not implement {@link TaskHandler}, a {@code no-retry-for} class is not a
	 * {@link Throwable}, or an option is out of range
	 */
	public List<TaskTypeDefinition> asTaskTypeDefinitions() {
		List<TaskTypeDefinition> definitions = new ArrayList<>();
		this.properties.getTypes().forEach((name, type) -> definitions.add(getDefinition(name, type)));
		return definitions;
	}

	/**
	 * Map the configured defaults, which apply to what neither configuration nor annotation
	 * sets.
	 * @return the default settings
	 * @throws InvalidConfigurationPropertyValueException if an option is out of range
	 */
	public TaskTypeSettings asDefaultSettings() {
		TaskQueueProperties.Defaults defaults = this.properties.getDefaults();
		TaskOptions options = getOptions((option) -> "taskqueue.defaults." + option, defaults.getTimeout(),
				defaults.getHeartbeat(), defaults.getRetries(), defaults.getRetryDelay(), defaults.getRetryBackoff(),
				defaults.getRetryMaxDelay(), defaults.getRetryJitter());
		return new TaskTypeSettings(null, defaults.getQueue(), defaults.getPriority(), options, null);
	}

	private TaskTypeDefinition getDefinition(String name, TaskQueueProperties.Type type) {
		checkHttp(name, type);
		TaskOptions options = getOptions((option) -> TaskTypeDefinition.property(name, option), type.getTimeout(),
				type.getHeartbeat(), type.getRetries(), type.getRetryDelay(), type.getRetryBackoff(),
				type.getRetryMaxDelay(), type.getRetryJitter());
		TaskTypeSettings settings = new TaskTypeSettings(type.getName(), type.getQueue(), type.getPriority(), options,
				getNoRetryFor(name, type.getNoRetryFor()));
		return new TaskTypeDefinition(name, getHandlerClass(name, type.getClassName()), settings, type.isEnabled());
	}

	/** An HTTP task type runs without a handler class, and needs the HTTP task module. */
	private void checkHttp(String name, TaskQueueProperties.Type type) {
		String url = type.getHttp().getUrl();
		if (url == null) {
			return;
		}
		String property = TaskTypeDefinition.property(name, "http.url");
		if (StringUtils.hasText(type.getClassName())) {
			throw new InvalidConfigurationPropertyValueException(property, url,
					"An HTTP task type has no handler class; remove " + TaskTypeDefinition.property(name, "class-name"));
		}
		if (!ClassUtils.isPresent(HTTP_TASK_TYPES, this.classLoader)) {
			throw new InvalidConfigurationPropertyValueException(property, url,
					"HTTP task types need dev.taskqueue:queue-http and spring-web on the classpath");
		}
	}

	/**
	 * Return the options of the given values, checking each one alone with the rules of
	 * {@link TaskOptions} so that a failure names its property.
	 */
	private static TaskOptions getOptions(UnaryOperator<String> property, @Nullable Duration timeout,
			@Nullable Duration heartbeat, @Nullable Integer retries, @Nullable Duration retryDelay,
			@Nullable Double retryBackoff, @Nullable Duration retryMaxDelay, @Nullable Double retryJitter) {
		check(property.apply("timeout"), timeout,
				(value) -> new TaskOptions(value, null, null, null, null, null, null));
		check(property.apply("heartbeat"), heartbeat,
				(value) -> new TaskOptions(null, value, null, null, null, null, null));
		check(property.apply("retries"), retries,
				(value) -> new TaskOptions(null, null, value, null, null, null, null));
		check(property.apply("retry-delay"), retryDelay,
				(value) -> new TaskOptions(null, null, null, value, null, null, null));
		check(property.apply("retry-backoff"), retryBackoff,
				(value) -> new TaskOptions(null, null, null, null, value, null, null));
		check(property.apply("retry-max-delay"), retryMaxDelay,
				(value) -> new TaskOptions(null, null, null, null, null, value, null));
		check(property.apply("retry-jitter"), retryJitter,
				(value) -> new TaskOptions(null, null, null, null, null, null, value));
		return new TaskOptions(timeout, heartbeat, retries, retryDelay, retryBackoff, retryMaxDelay, retryJitter);
	}

	private static <T> void check(String property, @Nullable T value, Consumer<T> options) {
		if (value != null) {
			try {
				options.accept(value);
			}
			catch (IllegalArgumentException ex) {
				Object shown = (value instanceof Duration duration)
						? DurationFormatterUtils.print(duration, DurationFormat.Style.COMPOSITE) : value;
				throw new InvalidConfigurationPropertyValueException(property, shown, ex.getMessage());
			}
		}
	}

	private static @Nullable List<Class<? extends Throwable>> getNoRetryFor(String name,
			@Nullable List<Class<? extends Throwable>> types) {
		if (types != null) {
			for (Class<?> type : types) {
				if (!Throwable.class.isAssignableFrom(type)) {
					throw new InvalidConfigurationPropertyValueException(
							TaskTypeDefinition.property(name, "no-retry-for"), type.getName(),
							"Class is not a " + Throwable.class.getName());
				}
			}
		}
		return types;
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

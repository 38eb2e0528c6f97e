package dev.taskqueue.type;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.UnknownTaskTypeException;

/**
 * The task types an application knows. Handlers are registered while the application starts;
 * {@link #initialize(Function)} then attaches configured handler classes, checks that every
 * configured type has exactly one handler, and freezes the registry.
 * <p>
 * Options are resolved with this precedence: configuration, then annotation, then defaults
 * (a request's own options win over all of them at enqueue).
 *
 * @since 0.1.0
 */
public final class TaskTypeRegistry {

	private static final String DEFAULT_QUEUE = "default";

	private static final Set<Class<?>> OPTIONAL_PAYLOAD_TYPES = Set.of(Optional.class, Void.class, JsonValue.class);

	private final Map<String, TaskTypeDefinition> definitions = new LinkedHashMap<>();

	private final TaskTypeSettings defaults;

	private final Map<String, TaskType> types = new LinkedHashMap<>();

	private volatile Map<String, TaskType> frozen = Map.of();

	private volatile boolean initialized;

	/**
	 * Create a registry over the configured types.
	 * @param definitions the configured types
	 * @param defaults the options for what neither configuration nor annotation sets
	 */
	public TaskTypeRegistry(List<TaskTypeDefinition> definitions, TaskTypeSettings defaults) {
		for (TaskTypeDefinition definition : definitions) {
			this.definitions.put(definition.name(), definition);
		}
		this.defaults = defaults;
	}

	/**
	 * Register a handler whose tasks may have no payload.
	 * @param name the type name
	 * @param handler the handler
	 * @param payloadType the type its payload binds to, or {@code null} for none
	 * @param declared the options declared with the handler (its annotation)
	 * @param source where the handler comes from, for messages
	 * @throws IllegalStateException if the type already has a handler
	 */
	public void register(String name, TaskHandler<?> handler, @Nullable Type payloadType, TaskTypeSettings declared,
			String source) {
		register(name, handler, payloadType, false, declared, source);
	}

	/**
	 * Register a handler.
	 * @param name the type name
	 * @param handler the handler
	 * @param payloadType the type its payload binds to, or {@code null} for none
	 * @param payloadRequired whether its tasks must have a payload, checked at enqueue
	 * @param declared the options declared with the handler (its annotation)
	 * @param source where the handler comes from, for messages
	 * @throws IllegalStateException if the type already has a handler
	 * @see #requiresPayload(Parameter)
	 */
	@SuppressWarnings("unchecked")
	public synchronized void register(String name, TaskHandler<?> handler, @Nullable Type payloadType,
			boolean payloadRequired, TaskTypeSettings declared, String source) {
		Assert.state(!this.initialized, "Task types are already initialized");
		TaskType existing = this.types.get(name);
		if (existing != null) {
			throw new IllegalStateException("Invalid %s: type '%s' is already handled by %s".formatted(source, name,
					existing.source()));
		}
		TaskTypeDefinition definition = this.definitions.get(name);
		TaskTypeSettings configured = (definition != null) ? definition.settings() : TaskTypeSettings.NONE;
		TaskTypeSettings settings = configured.orElse(declared).orElse(this.defaults);
		String queue = (settings.queue() != null) ? settings.queue() : DEFAULT_QUEUE;
		this.types.put(name, new TaskType(name, (settings.label() != null) ? settings.label() : name, queue,
				(settings.priority() != null) ? settings.priority() : 0, settings.options().orElse(TaskOptions.DEFAULTS),
				(settings.noRetryFor() != null) ? settings.noRetryFor() : List.of(), (TaskHandler<Object>) handler,
				payloadType, payloadType != null && payloadRequired, source));
	}

	/**
	 * Attach the configured handler classes, check every configured type has a handler, and
	 * freeze the registry. Later calls do nothing.
	 * @param instantiator creates a handler from its class (through the bean factory, so that
	 * it can be autowired)
	 * @throws IllegalStateException naming the type and property when a configured type has no
	 * handler, two handlers, or a class that is not a {@link TaskHandler}
	 */
	public synchronized void initialize(Function<Class<?>, Object> instantiator) {
		if (this.initialized) {
			return;
		}
		for (TaskTypeDefinition definition : this.definitions.values()) {
			Class<?> handlerClass = definition.handlerClass();
			String property = TaskTypeDefinition.property(definition.name(), "class-name");
			if (handlerClass != null) {
				if (!TaskHandler.class.isAssignableFrom(handlerClass)) {
					throw new IllegalStateException("Invalid %s: %s does not implement %s".formatted(property,
							handlerClass.getName(), TaskHandler.class.getName()));
				}
				Class<?> payloadType = ResolvableType.forClass(handlerClass)
					.as(TaskHandler.class)
					.getGeneric(0)
					.resolve(Object.class);
				Method handle = ReflectionUtils.findMethod(handlerClass, "handle", payloadType, TaskContext.class);
				register(definition.name(), (TaskHandler<?>) instantiator.apply(handlerClass), payloadType,
						handle != null && requiresPayload(handle.getParameters()[0]), TaskTypeSettings.NONE,
						property + " (" + handlerClass.getName() + ")");
			}
			else if (definition.enabled() && !this.types.containsKey(definition.name())) {
				throw new IllegalStateException(
						"Task type '%s' is configured but has no handler: declare a @Task(\"%s\") method or set %s"
							.formatted(definition.name(), definition.name(), property));
			}
		}
		this.initialized = true;
		this.frozen = Collections.unmodifiableMap(new LinkedHashMap<>(this.types));
	}

	/**
	 * Return whether a handler's payload parameter requires a payload: it does unless it is an
	 * {@link Optional}, a {@link Void} or a {@link JsonValue}, or is annotated with an annotation
	 * named {@code Nullable} (JSpecify's or any other). A task of a type whose handler requires
	 * a payload cannot be enqueued without one.
	 * @param parameter the payload parameter
	 * @return whether it requires a payload
	 */
	public static boolean requiresPayload(Parameter parameter) {
		Class<?> type = parameter.getType();
		return !OPTIONAL_PAYLOAD_TYPES.contains(type) && !isNullable(parameter.getAnnotations())
				&& !isNullable(parameter.getAnnotatedType().getAnnotations());
	}

	private static boolean isNullable(Annotation[] annotations) {
		for (Annotation annotation : annotations) {
			if (annotation.annotationType().getSimpleName().equals("Nullable")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the type of the given name, ready to enqueue.
	 * @param name the type name
	 * @return the type
	 * @throws UnknownTaskTypeException if no handler runs it
	 * @throws TaskQueueException if it is disabled
	 */
	public TaskType get(String name) {
		TaskType type = find(name);
		if (type == null) {
			throw new UnknownTaskTypeException(name, TaskTypeDefinition.property(name, "class-name"),
					new TreeSet<>(types().keySet()));
		}
		TaskTypeDefinition definition = this.definitions.get(name);
		if (definition != null && !definition.enabled()) {
			throw new TaskQueueException(
					"Task type '%s' is disabled by %s=false".formatted(name, TaskTypeDefinition.property(name, "enabled")));
		}
		return type;
	}

	/**
	 * Return the type of the given name, if a handler runs it.
	 * @param name the type name
	 * @return the type, or {@code null}
	 */
	public @Nullable TaskType find(String name) {
		return types().get(name);
	}

	/**
	 * Return the options of a type's tasks, or the defaults for a type no handler here runs.
	 * @param name the type name
	 * @return the options, every one but the timeout set
	 */
	public TaskOptions options(String name) {
		TaskType type = find(name);
		return (type != null) ? type.options() : defaultOptions();
	}

	/**
	 * Return the options of tasks whose type and request set none.
	 * @return the options, every one but the timeout set
	 */
	public TaskOptions defaultOptions() {
		return this.defaults.options().orElse(TaskOptions.DEFAULTS);
	}

	/**
	 * Return the shortest heartbeat of any known type, or of the defaults.
	 * @return the shortest heartbeat
	 */
	public Duration shortestHeartbeat() {
		return shortestHeartbeat((type) -> true);
	}

	/**
	 * Return the shortest heartbeat of the known types that run on a queue, or of the
	 * defaults if shorter.
	 * @param queue the queue name
	 * @return the shortest heartbeat
	 */
	public Duration shortestHeartbeat(String queue) {
		return shortestHeartbeat((type) -> type.queue().equals(queue));
	}

	private Duration shortestHeartbeat(Predicate<TaskType> types) {
		Duration shortest = defaultOptions().heartbeat();
		for (TaskType type : types().values()) {
			if (types.test(type) && type.options().heartbeat().compareTo(shortest) < 0) {
				shortest = type.options().heartbeat();
			}
		}
		return shortest;
	}

	/**
	 * Return the names of the known types.
	 * @return the type names
	 */
	public Set<String> names() {
		return new LinkedHashSet<>(types().keySet());
	}

	/**
	 * Return the queues the known types run on.
	 * @return the queue names
	 */
	public Set<String> queues() {
		Set<String> queues = new LinkedHashSet<>();
		types().values().forEach((type) -> queues.add(type.queue()));
		return queues;
	}

	private Map<String, TaskType> types() {
		if (this.initialized) {
			return this.frozen;
		}
		synchronized (this) {
			return new LinkedHashMap<>(this.types);
		}
	}

}

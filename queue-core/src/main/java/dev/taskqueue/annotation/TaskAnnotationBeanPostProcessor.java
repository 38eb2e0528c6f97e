package dev.taskqueue.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * Finds {@link Task @Task} methods on beans as they are created and registers them with the
 * {@link TaskTypeRegistry}, and the schedules they declare with the {@link DeclaredSchedules}.
 * Once every singleton exists, it initializes the registry (configured handler classes are
 * created through the bean factory and every configured type is checked to have exactly one
 * handler), then the declared schedules.
 *
 * @since 0.1.0
 */
public class TaskAnnotationBeanPostProcessor extends AnnotatedMethodPostProcessor<Task>
		implements SmartInitializingSingleton {

	private @Nullable TaskTypeRegistry registry;

	private @Nullable DeclaredSchedules schedules;

	public TaskAnnotationBeanPostProcessor() {
		super(Task.class);
	}

	@Override
	void register(Object bean, Method method, String description, Task task) {
		String type = resolve(task.type());
		if (!StringUtils.hasText(type)) {
			throw new IllegalStateException("Invalid @Task method %s: the task type must not be empty".formatted(description));
		}
		if (!Modifier.isPublic(method.getModifiers())) {
			throw new IllegalStateException("Invalid @Task method %s: it must be public".formatted(description));
		}
		MethodTaskHandler handler = MethodTaskHandler.of(bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
				description);
		TaskOptions options;
		try {
			options = new TaskOptions(duration(task.timeout(), "timeout", description),
					duration(task.heartbeat(), "heartbeat", description),
					number(task.retries(), "retries", description, Integer::valueOf),
					duration(task.retryDelay(), "retryDelay", description),
					number(task.retryBackoff(), "retryBackoff", description, Double::valueOf),
					duration(task.retryMaxDelay(), "retryMaxDelay", description),
					number(task.retryJitter(), "retryJitter", description, Double::valueOf));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid @Task method %s: %s".formatted(description, ex.getMessage()), ex);
		}
		TaskTypeSettings declared = new TaskTypeSettings(emptyToNull(resolve(task.name())),
				emptyToNull(resolve(task.queue())), number(task.priority(), "priority", description, Integer::valueOf),
				options, (task.noRetryFor().length > 0) ? List.of(task.noRetryFor()) : null);
		registry().register(type, handler, handler.payloadType(), handler.payloadRequired(), declared,
				"@Task method " + description);
		ScheduleRequest schedule = schedule(task, type, description);
		if (schedule != null) {
			schedules(description).declare(schedule, "@Task method " + description);
		}
	}

	private @Nullable ScheduleRequest schedule(Task task, String type, String description) {
		Duration fixedRate = duration(task.fixedRate(), "fixedRate", description);
		try {
			return ScheduleAttributes.read(type, emptyToNull(resolve(task.schedule())), emptyToNull(resolve(task.cron())),
					fixedRate, emptyToNull(resolve(task.zone())), emptyToNull(resolve(task.misfire())),
					emptyToNull(resolve(task.overlap())));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid @Task method %s: %s".formatted(description, ex.getMessage()), ex);
		}
	}

	private <T> @Nullable T number(String attribute, String name, String description, Function<String, T> parser) {
		String value = emptyToNull(resolve(attribute));
		try {
			return (value != null) ? parser.apply(value) : null;
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("Invalid @Task method %s: %s '%s' is not a number"
				.formatted(description, name, value), ex);
		}
	}

	private @Nullable Duration duration(String attribute, String name, String description) {
		String value = emptyToNull(resolve(attribute));
		try {
			return (value != null) ? DurationFormatterUtils.detectAndParse(value) : null;
		}
		catch (DateTimeParseException | IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid @Task method %s: %s '%s' is not a duration such as 30s"
				.formatted(description, name, value), ex);
		}
	}

	private static @Nullable String emptyToNull(String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	private DeclaredSchedules schedules(String description) {
		if (this.schedules == null) {
			this.schedules = beanFactory().getBeanProvider(DeclaredSchedules.class).getIfAvailable();
			if (this.schedules == null) {
				throw new IllegalStateException(("Invalid @Task method %s: it declares a schedule, but there is no %s "
						+ "bean to hand it to the engine").formatted(description, DeclaredSchedules.class.getSimpleName()));
			}
		}
		return this.schedules;
	}

	private TaskTypeRegistry registry() {
		if (this.registry == null) {
			this.registry = beanFactory().getBean(TaskTypeRegistry.class);
		}
		return this.registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Assert.state(beanFactory() instanceof AutowireCapableBeanFactory, "An AutowireCapableBeanFactory is required");
		AutowireCapableBeanFactory factory = (AutowireCapableBeanFactory) beanFactory();
		registry().initialize(factory::createBean);
		DeclaredSchedules schedules = (this.schedules != null) ? this.schedules
				: factory.getBeanProvider(DeclaredSchedules.class).getIfAvailable();
		if (schedules != null) {
			schedules.initialize(registry());
		}
	}

}

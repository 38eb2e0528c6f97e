package dev.taskqueue.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

import dev.taskqueue.daemon.DaemonContext;
import dev.taskqueue.daemon.DaemonHandler;
import dev.taskqueue.daemon.DaemonRegistry;

/**
 * Finds {@link Daemon @Daemon} methods on beans as they are created and registers them with
 * the {@link DaemonRegistry} bean, the one the engine is built with. A method that is not
 * public, or does not take exactly one {@link DaemonContext}, fails the start with a message
 * naming its bean class and method.
 *
 * @since 0.1.0
 */
public class DaemonAnnotationBeanPostProcessor extends AnnotatedMethodPostProcessor<Daemon> {

	private @Nullable DaemonRegistry registry;

	public DaemonAnnotationBeanPostProcessor() {
		super(Daemon.class);
	}

	@Override
	void register(Object bean, Method method, String description, Daemon daemon) {
		if (!Modifier.isPublic(method.getModifiers())) {
			throw new IllegalStateException("Invalid @Daemon method %s: it must be public".formatted(description));
		}
		if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != DaemonContext.class) {
			throw new IllegalStateException(
					"Invalid @Daemon method %s: it must take exactly one parameter, a DaemonContext".formatted(description));
		}
		String name = resolve(daemon.name());
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException("Invalid @Daemon method %s: the daemon name must not be empty"
				.formatted(description));
		}
		Boolean autoStart = autoStart(resolve(daemon.autoStart()), description);
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		DaemonHandler handler = (context) -> {
			try {
				invocable.invoke(bean, context);
			}
			catch (InvocationTargetException ex) {
				Throwable cause = ex.getTargetException();
				if (cause instanceof Exception exception) {
					throw exception;
				}
				throw (Error) cause;
			}
		};
		registry().register(name, handler, autoStart, "@Daemon method " + description);
	}

	private static @Nullable Boolean autoStart(String value, String description) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
			throw new IllegalStateException("Invalid @Daemon method %s: autoStart '%s' is neither true nor false"
				.formatted(description, value));
		}
		return Boolean.valueOf(value);
	}

	private DaemonRegistry registry() {
		if (this.registry == null) {
			this.registry = beanFactory().getBean(DaemonRegistry.class);
		}
		return this.registry;
	}

}

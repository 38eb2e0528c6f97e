package dev.taskqueue.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

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
public class DaemonAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, EmbeddedValueResolverAware, Ordered {

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private @Nullable BeanFactory beanFactory;

	private @Nullable StringValueResolver valueResolver;

	private @Nullable DaemonRegistry registry;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEmbeddedValueResolver(StringValueResolver resolver) {
		this.valueResolver = resolver;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, Daemon.class)) {
			return bean;
		}
		Map<Method, Daemon> annotatedMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<Daemon>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, Daemon.class));
		if (annotatedMethods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		annotatedMethods.forEach((method, daemon) -> register(bean, targetClass, method, daemon));
		return bean;
	}

	private void register(Object bean, Class<?> targetClass, Method method, Daemon daemon) {
		String description = "'" + ClassUtils.getShortName(targetClass) + "." + method.getName() + "'";
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

	private String resolve(String value) {
		String resolved = (this.valueResolver != null) ? this.valueResolver.resolveStringValue(value) : value;
		return (resolved != null) ? resolved : "";
	}

	private DaemonRegistry registry() {
		if (this.registry == null) {
			Assert.state(this.beanFactory != null, "No BeanFactory set");
			this.registry = this.beanFactory.getBean(DaemonRegistry.class);
		}
		return this.registry;
	}

}

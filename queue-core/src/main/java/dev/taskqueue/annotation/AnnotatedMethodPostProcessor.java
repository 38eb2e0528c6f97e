package dev.taskqueue.annotation;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
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
import org.springframework.util.StringValueResolver;

/**
 * Finds the methods of beans that carry an annotation as the beans are created, and hands
 * each to {@link #register}; remembers the classes without one so that it looks only once.
 *
 * @param <A> the annotation
 */
abstract class AnnotatedMethodPostProcessor<A extends Annotation>
		implements BeanPostProcessor, BeanFactoryAware, EmbeddedValueResolverAware, Ordered {

	private final Class<A> annotationType;

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private @Nullable BeanFactory beanFactory;

	private @Nullable StringValueResolver valueResolver;

	AnnotatedMethodPostProcessor(Class<A> annotationType) {
		this.annotationType = annotationType;
	}

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
				|| !AnnotationUtils.isCandidateClass(targetClass, this.annotationType)) {
			return bean;
		}
		Map<Method, A> annotatedMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						this.annotationType));
		if (annotatedMethods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		annotatedMethods.forEach((method, annotation) -> register(bean, method,
				"'" + ClassUtils.getShortName(targetClass) + "." + method.getName() + "'", annotation));
		return bean;
	}

	/**
	 * Register one annotated method.
	 * @param bean the bean
	 * @param method the method, as declared on the bean's target class
	 * @param description the method as error messages name it: {@code 'Class.method'}
	 * @param annotation the method's annotation, merged
	 */
	abstract void register(Object bean, Method method, String description, A annotation);

	/**
	 * Resolve the {@code ${...}} placeholders of an attribute.
	 * @param value the attribute's value
	 * @return the resolved value, empty if it resolved to nothing
	 */
	final String resolve(String value) {
		String resolved = (this.valueResolver != null) ? this.valueResolver.resolveStringValue(value) : value;
		return (resolved != null) ? resolved : "";
	}

	final BeanFactory beanFactory() {
		Assert.state(this.beanFactory != null, "No BeanFactory set");
		return this.beanFactory;
	}

}

package dev.taskqueue.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Runs a task by invoking a {@link Task @Task} method.
 */
final class MethodTaskHandler implements TaskHandler<Object> {

	private final Object bean;

	private final Method method;

	private final int payloadIndex;

	private final int contextIndex;

	private MethodTaskHandler(Object bean, Method method, int payloadIndex, int contextIndex) {
		this.bean = bean;
		this.method = method;
		this.payloadIndex = payloadIndex;
		this.contextIndex = contextIndex;
	}

	/**
	 * Adapt a method, checking its parameters.
	 * @param bean the bean to invoke it on
	 * @param method the invocable method
	 * @param description the method, for messages
	 * @return the handler
	 */
	static MethodTaskHandler of(Object bean, Method method, String description) {
		int payloadIndex = -1;
		int contextIndex = -1;
		Class<?>[] parameterTypes = method.getParameterTypes();
		for (int i = 0; i < parameterTypes.length; i++) {
			if (TaskContext.class.equals(parameterTypes[i]) && contextIndex < 0) {
				contextIndex = i;
			}
			else if (payloadIndex < 0) {
				payloadIndex = i;
			}
			else {
				throw new IllegalStateException("Invalid @Task method %s: it may take one payload parameter and a TaskContext, not %d parameters"
					.formatted(description, parameterTypes.length));
			}
		}
		ReflectionUtils.makeAccessible(method);
		return new MethodTaskHandler(bean, method, payloadIndex, contextIndex);
	}

	/**
	 * Return the type the payload binds to.
	 * @return the generic payload type, or {@code null} when the method takes no payload
	 */
	@Nullable Type payloadType() {
		return (this.payloadIndex >= 0) ? this.method.getGenericParameterTypes()[this.payloadIndex] : null;
	}

	/**
	 * Return whether tasks must have a payload.
	 * @return whether the method takes a payload that it requires
	 * @see TaskTypeRegistry#requiresPayload(java.lang.reflect.Parameter)
	 */
	boolean payloadRequired() {
		return this.payloadIndex >= 0 && TaskTypeRegistry.requiresPayload(this.method.getParameters()[this.payloadIndex]);
	}

	@Override
	public @Nullable Object handle(@Nullable Object payload, TaskContext context) throws Exception {
		Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payloadIndex >= 0) {
			arguments[this.payloadIndex] = payload;
		}
		if (this.contextIndex >= 0) {
			arguments[this.contextIndex] = context;
		}
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
	}

}

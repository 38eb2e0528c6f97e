package dev.taskqueue.autoconfigure;

import dev.taskqueue.engine.TaskQueueEngine;

/**
 * Callback interface that can be implemented by beans wishing to customize the auto-configured
 * {@link TaskQueueEngine} before it is built. Customizers are applied in order, after the
 * {@code queue.*} properties, so they win over them.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TaskQueueCustomizer {

	/**
	 * Customize the engine builder.
	 * @param builder the builder to customize
	 */
	void customize(TaskQueueEngine.Builder builder);

}

package dev.taskqueue.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadMask;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the {@link TaskQueueEndpoint}, when
 * Actuator is on the classpath and the endpoint is available: its access is not
 * {@code none} and it is exposed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TaskQueueAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(TaskQueueEngine.class)
@ConditionalOnAvailableEndpoint(TaskQueueEndpoint.class)
public final class TaskQueueEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskQueueEndpoint taskQueueEndpoint(TaskQueueEngine engine, PayloadMask mask) {
		return new TaskQueueEndpoint(engine, mask);
	}

}

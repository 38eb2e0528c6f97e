package dev.taskqueue.autoconfigure.metrics;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueCustomizer;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that observes each task execution in the
 * application's {@link ObservationRegistry}, so that tracing covers handlers where the
 * application has it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = TaskQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class TaskQueueObservationAutoConfiguration {

	@Bean
	TaskQueueCustomizer taskQueueObservationCustomizer(ObservationRegistry observationRegistry) {
		return (builder) -> builder.observationRegistry(observationRegistry);
	}

}

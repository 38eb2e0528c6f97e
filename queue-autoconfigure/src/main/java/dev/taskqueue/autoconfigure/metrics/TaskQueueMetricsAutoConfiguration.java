package dev.taskqueue.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueCustomizer;
import dev.taskqueue.metrics.TaskQueueMetrics;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that records TaskQueue's meters
 * ({@link TaskQueueMetrics}) in the application's {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = TaskQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class TaskQueueMetricsAutoConfiguration {

	@Bean
	TaskQueueCustomizer taskQueueMetricsCustomizer(MeterRegistry meterRegistry) {
		return (builder) -> builder.meterRegistry(meterRegistry);
	}

}

package dev.taskqueue.autoconfigure.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueProperties;
import dev.taskqueue.engine.TaskQueueEngine;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the {@link TaskQueueHealthIndicator},
 * when Spring Boot's health support is on the classpath and
 * {@code management.health.taskqueue.enabled} is not {@code false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TaskQueueAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(TaskQueueEngine.class)
@ConditionalOnEnabledHealthIndicator("taskqueue")
public final class TaskQueueHealthContributorAutoConfiguration {

	// Health components are named after their bean, less the suffix: "taskqueue"
	@Bean
	@ConditionalOnMissingBean(name = "taskqueueHealthIndicator")
	TaskQueueHealthIndicator taskqueueHealthIndicator(TaskQueueEngine engine, TaskQueueProperties properties) {
		TaskQueueProperties.Health health = properties.getHealth();
		return new TaskQueueHealthIndicator(engine, health.getBacklogThreshold(), health.getOldestDueAgeThreshold());
	}

}

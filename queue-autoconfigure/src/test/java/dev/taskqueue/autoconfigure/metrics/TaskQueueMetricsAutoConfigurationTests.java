package dev.taskqueue.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueCustomizer;
import dev.taskqueue.metrics.TaskQueueMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TaskQueueMetricsAutoConfiguration}.
 */
class TaskQueueMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueMetricsAutoConfiguration.class, TaskQueueAutoConfiguration.class));

	@Test
	void whenThereIsAMeterRegistryThenTaskAttemptsAreTimed() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(PingTasks.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(TaskQueueCustomizer.class);
				context.getBean(TaskQueue.class).enqueue("ping", null);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(registry.find(TaskQueueMetrics.TASK_DURATION)
						.tags("type", "ping", "outcome", "succeeded")
						.timer()).isNotNull());
				assertThat(registry.find(TaskQueueMetrics.WORKER_ACTIVE).gauge()).isNotNull();
			});
	}

	@Test
	void whenThereIsNoMeterRegistryThenTheMetricsBackOff() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(TaskQueueCustomizer.class)
			.hasSingleBean(TaskQueue.class));
	}

	@Test
	void whenMicrometerIsNotOnTheClasspathThenTheMetricsBackOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TaskQueueCustomizer.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class PingTasks {

		@Bean
		Ping ping() {
			return new Ping();
		}

	}

	static class Ping {

		@Task("ping")
		public void ping() {
		}

	}

}

package dev.taskqueue.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
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
 * Tests for {@link TaskQueueObservationAutoConfiguration}.
 */
class TaskQueueObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueObservationAutoConfiguration.class, TaskQueueAutoConfiguration.class));

	@Test
	void whenThereIsAnObservationRegistryThenEachTaskExecutionIsObserved() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations)
			.withUserConfiguration(PingTasks.class)
			.run((context) -> {
				context.getBean(TaskQueue.class).enqueue("ping", null);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> TestObservationRegistryAssert.assertThat(observations)
						.hasObservationWithNameEqualTo(TaskQueueMetrics.TASK_EXECUTION_OBSERVATION)
						.that()
						.hasBeenStopped()
						.hasLowCardinalityKeyValue("type", "ping")
						.hasLowCardinalityKeyValue("queue", "default")
						.hasLowCardinalityKeyValue("outcome", "succeeded")
						.hasHighCardinalityKeyValueWithKey("task.id"));
			});
	}

	@Test
	void whenThereIsNoObservationRegistryThenTheObservationBacksOff() {
		this.contextRunner
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueueCustomizer.class));
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

package dev.taskqueue.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.type.TaskTypeRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what makes an application using {@link TaskQueueAutoConfiguration} fail to
 * start, and the message it fails with.
 */
class TaskQueueStartupFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "embedded", "always", "never" })
	void whenTheDatabaseIsHsqldbThenStartupFailsNamingItAndTheSupportedDatabases(String initializeSchema) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:hsqldb:mem:taskqueue-" + initializeSchema,
					"spring.datasource.driver-class-name=org.hsqldb.jdbc.JDBCDriver",
					"taskqueue.jdbc.initialize-schema=" + initializeSchema)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessage("Unsupported database 'HSQL Database Engine' for TaskQueue; "
							+ "supported: H2, PostgreSQL, MariaDB, MySQL");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "taskqueue.worker.concurency=4", "taskqueue.enable=false", "taskqueue.defaults.retry=2",
			"taskqueue.jdbc.table-prefx=APP_", "taskqueue.types.greet.retrys=2",
			"taskqueue.worker.queues.reports.concurency=2", "taskqueue.daemons.watcher.auto-strat=false",
			"taskqueue.worker.daemons.leese=5s" })
	void whenAnUnknownKeyIsSetThenStartupFailsNamingIt(String keyAndValue) {
		String key = keyAndValue.substring(0, keyAndValue.indexOf('='));
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues(keyAndValue)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(UnboundConfigurationPropertiesException.class)
					.rootCause()
					.hasMessageContaining(key);
			});
	}

	@Test
	void whenEveryKnownKeyIsSetThenStartupSucceeds() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.enabled=true", "taskqueue.jdbc.table-prefix=APP_",
					"taskqueue.jdbc.initialize-schema=always", "taskqueue.jdbc.continue-on-error=true",
					"taskqueue.defaults.retries=2", "taskqueue.defaults.retry-jitter=0.5",
					"taskqueue.types.greet.retries=1", "taskqueue.types.greet.heartbeat=5s",
					"taskqueue.types[greet.loud].class-name=", "taskqueue.types[greet.loud].enabled=false",
					"taskqueue.worker.concurrency=4", "taskqueue.worker.queues.annotated.concurrency=2",
					"taskqueue.worker.queues.reports=", "taskqueue.worker.daemons.lease=9s",
					"taskqueue.worker.daemons.poll-interval=3s", "taskqueue.worker.daemons.restart-delay=2s",
					"taskqueue.worker.daemons.max-restart-delay=1m")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TaskQueue.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "taskqueue.types.greet.heartbeat=110000d", "taskqueue.types.greet.timeout=366d",
			"taskqueue.types.greet.retry-delay=400d", "taskqueue.types.greet.retry-max-delay=106751d",
			"taskqueue.defaults.heartbeat=366d", "taskqueue.defaults.retry-backoff=Infinity",
			"taskqueue.types.greet.retry-backoff=NaN", "taskqueue.defaults.retry-jitter=NaN",
			"taskqueue.worker.poll-interval=0s", "taskqueue.worker.shutdown-timeout=400d" })
	void whenADurationOrFactorIsBeyondItsBoundsThenStartupFailsNamingTheProperty(String propertyAndValue) {
		String property = propertyAndValue.substring(0, propertyAndValue.indexOf('='));
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues(propertyAndValue)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
					.rootCause()
					.hasMessageContaining("Property " + property + " with value");
			});
	}

	@Test
	void whenADurationIsAtItsMaximumThenStartupSucceeds() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.heartbeat=365d", "taskqueue.types.greet.timeout=365d",
					"taskqueue.types.greet.retry-delay=365d", "taskqueue.types.greet.retry-max-delay=365d")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TaskTypeRegistry.class).get("greet").options().heartbeat())
					.isEqualTo(Duration.ofDays(365));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class GreetingTasksConfiguration {

		@Bean
		GreetingTasks greetingTasks() {
			return new GreetingTasks();
		}

	}

	static class GreetingTasks {

		@Task(value = "greet", queue = "annotated")
		public String greet(String name) {
			return "Hello " + name;
		}

	}

}

package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.retention.RetentionPolicy;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for the {@code taskqueue.retention} properties: their defaults, how they map to the
 * engine's {@link RetentionPolicy}, and the startup failures of values out of range.
 */
class RetentionAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class))
		.withUserConfiguration(EchoTasksConfiguration.class);

	@Test
	void retentionDefaultsMatchTheEngineBuilderAndPolicyDefaults() {
		TaskQueueEngine.Builder builder = TaskQueueEngine.builder(mock(DataSource.class),
				new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE), JsonMapper.builder().build());
		TaskQueueProperties.Retention retention = new TaskQueueProperties().getRetention();
		assertThat(builder).hasFieldOrPropertyWithValue("retentionBatchSize", retention.getBatchSize())
			.hasFieldOrPropertyWithValue("retentionInterval", retention.getInterval())
			.hasFieldOrPropertyWithValue("retentionTimeBudget", retention.getTimeBudget())
			.hasFieldOrPropertyWithValue("retentionPause", retention.getPause())
			.hasFieldOrPropertyWithValue("retention", RetentionPolicy.defaults());
		RetentionPolicy defaults = RetentionPolicy.defaults();
		assertThat(retention.isEnabled()).isTrue();
		assertThat(retention.getSucceeded()).isEqualTo(defaults.period(TaskStatus.SUCCEEDED))
			.isEqualTo(Duration.ofDays(1));
		assertThat(retention.getFailed()).isEqualTo(defaults.period(TaskStatus.FAILED)).isEqualTo(Duration.ofDays(7));
		assertThat(retention.getCancelled()).isEqualTo(defaults.period(TaskStatus.CANCELLED))
			.isEqualTo(Duration.ofDays(1));
		assertThat(retention.getBatchSize()).isEqualTo(500);
		assertThat(retention.getInterval()).isEqualTo(Duration.ofMinutes(1));
		assertThat(retention.getTimeBudget()).isEqualTo(Duration.ofSeconds(1));
		assertThat(retention.getPause()).isEqualTo(Duration.ofSeconds(9));
		assertThat(retention.getTypes()).isEmpty();
	}

	@Test
	void periodsBindWithMinusOneKeepingForeverAndTypesOverridingTheirStatus() {
		RetentionPolicy policy = map(Map.of("taskqueue.retention.succeeded", "0", "taskqueue.retention.failed", "-1",
				"taskqueue.retention.types.audit.succeeded", "-1", "taskqueue.retention.types[mail.out].cancelled",
				"30d"));
		assertThat(policy.period(TaskStatus.SUCCEEDED)).isZero();
		assertThat(policy.period(TaskStatus.FAILED)).isEqualTo(RetentionPolicy.KEEP_FOREVER);
		assertThat(policy.period(TaskStatus.CANCELLED)).isEqualTo(Duration.ofDays(1));
		assertThat(policy.overrides(TaskStatus.SUCCEEDED)).containsExactly(Map.entry("audit", RetentionPolicy.KEEP_FOREVER));
		assertThat(policy.overrides(TaskStatus.CANCELLED)).containsExactly(Map.entry("mail.out", Duration.ofDays(30)));
		assertThat(policy.overrides(TaskStatus.FAILED)).isEmpty();
	}

	@Test
	void disablingRetentionKeepsEverything() {
		RetentionPolicy policy = map(Map.of("taskqueue.retention.enabled", "false", "taskqueue.retention.succeeded", "0"));
		assertThat(policy.deletesAnything()).isFalse();
	}

	@Test
	void whenSucceededTasksAreKeptForZeroThenTheyAreDeletedSoonAfterTheyFinish() {
		this.contextRunner
			.withPropertyValues("taskqueue.retention.succeeded=0", "taskqueue.retention.interval=100ms")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				UUID id = queue.enqueue("echo", "hello").id();
				await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(id).isEmpty());
			});
	}

	@Test
	void whenRetentionIsDisabledThenFinishedTasksStay() {
		this.contextRunner
			.withPropertyValues("taskqueue.retention.enabled=false", "taskqueue.retention.succeeded=0",
					"taskqueue.retention.interval=100ms")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				UUID id = queue.enqueue("echo", "hello").id();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> queue.find(id).map(TaskState::status).orElse(null) == TaskStatus.SUCCEEDED);
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(2))
					.until(() -> queue.find(id).isPresent());
			});
	}

	@ParameterizedTest
	@CsvSource({ "taskqueue.retention.succeeded, PT-2S", "taskqueue.retention.failed, PT-24H",
			"taskqueue.retention.cancelled, PT876600H", "taskqueue.retention.types.email.failed, PT-1H",
			"taskqueue.retention.types[mail.out].cancelled, PT-5M", "taskqueue.retention.batch-size, 0",
			"taskqueue.retention.batch-size, 1001", "taskqueue.retention.interval, PT0S",
			"taskqueue.retention.time-budget, PT-1S", "taskqueue.retention.time-budget, PT2H",
			"taskqueue.retention.pause, PT0S" })
	void whenARetentionOptionIsOutOfRangeThenStartupFailsNamingThePropertyAndValue(String property, String value) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo(property))
				.hasMessageContaining("with value '" + value + "' is invalid");
		});
	}

	private static RetentionPolicy map(Map<String, String> source) {
		TaskQueueProperties properties = new Binder(new MapConfigurationPropertySource(source))
			.bind("taskqueue", Bindable.ofInstance(new TaskQueueProperties()))
			.get();
		return new RetentionPropertiesMapper(properties.getRetention()).asRetentionPolicy();
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoTasksConfiguration {

		@Bean
		EchoTasks echoTasks() {
			return new EchoTasks();
		}

	}

	static class EchoTasks {

		@Task("echo")
		public String echo(String payload) {
			return payload;
		}

	}

}

package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TaskQueueProperties} and {@link TaskQueueJdbcProperties}.
 */
class TaskQueuePropertiesTests {

	@Test
	void workerAndJdbcDefaultsMatchTheEngineBuilderDefaults() {
		// The builder has no getters: read its fields, as Boot's validateDefaultProperties does
		TaskQueueEngine.Builder builder = TaskQueueEngine.builder(mock(DataSource.class),
				new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE), JsonMapper.builder().build());
		TaskQueueProperties.Worker worker = new TaskQueueProperties().getWorker();
		assertThat(builder).hasFieldOrPropertyWithValue("workerEnabled", worker.isEnabled())
			.hasFieldOrPropertyWithValue("concurrency", worker.getConcurrency())
			.hasFieldOrPropertyWithValue("pollInterval", worker.getPollInterval())
			.hasFieldOrPropertyWithValue("batchSize", worker.getBatchSize())
			.hasFieldOrPropertyWithValue("queues", worker.getQueues())
			.hasFieldOrPropertyWithValue("shutdownTimeout", worker.getShutdownTimeout())
			.hasFieldOrPropertyWithValue("lease", worker.getLease())
			.hasFieldOrPropertyWithValue("tablePrefix", new TaskQueueJdbcProperties().getTablePrefix());
	}

	@Test
	void typeDefaultsMatchTheRegistryFallbacks() {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		registry.register("test", (payload, context) -> null, null, TaskTypeSettings.NONE, "test");
		TaskType type = registry.find("test");
		TaskQueueProperties.Defaults defaults = new TaskQueueProperties().getDefaults();
		assertThat(type).isNotNull();
		assertThat(type.queue()).isEqualTo(defaults.getQueue());
		assertThat(type.priority()).isEqualTo(defaults.getPriority());
		assertThat(type.timeout()).isEqualTo(defaults.getTimeout());
	}

	@Test
	void defaultsAreDocumentedValues() {
		TaskQueueProperties properties = new TaskQueueProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getTypes()).isEmpty();
		assertThat(properties.getDefaults().getQueue()).isEqualTo("default");
		assertThat(properties.getDefaults().getPriority()).isZero();
		assertThat(properties.getDefaults().getTimeout()).isNull();
		TaskQueueProperties.Worker worker = properties.getWorker();
		assertThat(worker.isEnabled()).isTrue();
		assertThat(worker.getConcurrency()).isEqualTo(10);
		assertThat(worker.getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(worker.getBatchSize()).isEqualTo(100);
		assertThat(worker.getQueues()).isEmpty();
		assertThat(worker.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(worker.getLease()).isEqualTo(Duration.ofMinutes(5));
		TaskQueueJdbcProperties jdbc = new TaskQueueJdbcProperties();
		assertThat(jdbc.getSchema()).isEqualTo("classpath:dev/taskqueue/store/jdbc/schema-@@platform@@.sql");
		assertThat(jdbc.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
		assertThat(jdbc.getPlatform()).isNull();
		assertThat(jdbc.isContinueOnError()).isTrue();
		assertThat(jdbc.getTablePrefix()).isEqualTo("TQ_");
	}

	@Test
	void typesBindInConfigurationOrderAndTypeNamesWithDotsNeedBrackets() {
		TaskQueueProperties properties = bind(Map.of("queue.types.email.class-name", "com.example.EmailHandler",
				"queue.types.email.timeout", "30s", "queue.types.email.enabled", "false",
				"queue.types[report.build].queue", "reports", "queue.types[report.build].priority", "5",
				"queue.types[report.build].name", "Report"));
		assertThat(properties.getTypes()).containsOnlyKeys("email", "report.build");
		TaskQueueProperties.Type email = properties.getTypes().get("email");
		assertThat(email.getClassName()).isEqualTo("com.example.EmailHandler");
		assertThat(email.getTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(email.isEnabled()).isFalse();
		TaskQueueProperties.Type report = properties.getTypes().get("report.build");
		assertThat(report.getName()).isEqualTo("Report");
		assertThat(report.getQueue()).isEqualTo("reports");
		assertThat(report.getPriority()).isEqualTo(5);
		assertThat(report.isEnabled()).isTrue();
	}

	private TaskQueueProperties bind(Map<String, String> source) {
		return new Binder(new MapConfigurationPropertySource(source))
			.bind("queue", Bindable.ofInstance(new TaskQueueProperties()))
			.get();
	}

}

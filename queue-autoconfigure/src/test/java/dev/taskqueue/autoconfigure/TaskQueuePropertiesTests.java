package dev.taskqueue.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.autoconfigure.TaskQueueProperties.Defaults;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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
			.hasFieldOrPropertyWithValue("claimAhead", worker.getClaimAhead())
			.hasFieldOrPropertyWithValue("shutdownTimeout", worker.getShutdownTimeout())
			.hasFieldOrPropertyWithValue("progressInterval", worker.getProgressInterval())
			.hasFieldOrPropertyWithValue("nodeHeartbeatInterval", worker.getNodeHeartbeatInterval())
			.hasFieldOrPropertyWithValue("nodeExpiry", worker.getNodeExpiry())
			.hasFieldOrPropertyWithValue("maxTasks", worker.getMaxTasks())
			.hasFieldOrPropertyWithValue("maxRuntime", worker.getMaxRuntime())
			.hasFieldOrPropertyWithValue("memoryLimit", worker.getMemoryLimit())
						.hasFieldOrPropertyWithValue("tablePrefix", new TaskQueueJdbcProperties().getTablePrefix())
			.hasFieldOrPropertyWithValue("daemonLease", worker.getDaemons().getLease())
			.hasFieldOrPropertyWithValue("daemonPollInterval", worker.getDaemons().getPollInterval())
			.hasFieldOrPropertyWithValue("minDaemonRestartDelay", worker.getDaemons().getRestartDelay())
			.hasFieldOrPropertyWithValue("maxDaemonRestartDelay", worker.getDaemons().getMaxRestartDelay())
			.hasFieldOrPropertyWithValue("taskCountsRefreshInterval",
					new TaskQueueProperties().getMetrics().getRefreshInterval());
		assertThat(builder).extracting("queueConcurrency").asInstanceOf(InstanceOfAssertFactories.MAP).isEmpty();
		assertThat(worker.getQueues()).isEmpty();
	}

	@Test
	void optionDefaultsMatchTheTaskOptionsDefaults() {
		TaskOptions options = TaskOptions.DEFAULTS;
		assertThat(new TaskQueueProperties().getDefaults()).returns(options.timeout(), Defaults::getTimeout)
			.returns(options.heartbeat(), Defaults::getHeartbeat)
			.returns(options.retries(), Defaults::getRetries)
			.returns(options.retryDelay(), Defaults::getRetryDelay)
			.returns(options.retryBackoff(), Defaults::getRetryBackoff)
			.returns(options.retryMaxDelay(), Defaults::getRetryMaxDelay)
			.returns(options.retryJitter(), Defaults::getRetryJitter);
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
	}

	@Test
	void defaultsAreDocumentedValues() {
		TaskQueueProperties properties = new TaskQueueProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getTypes()).isEmpty();
		assertThat(properties.getDefaults().getQueue()).isEqualTo("default");
		assertThat(properties.getDefaults().getPriority()).isZero();
		assertThat(properties.getDefaults().getTimeout()).isNull();
		assertThat(properties.getDefaults().getHeartbeat()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getDefaults().getRetries()).isEqualTo(3);
		assertThat(properties.getDefaults().getRetryDelay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getDefaults().getRetryBackoff()).isEqualTo(2.0);
		assertThat(properties.getDefaults().getRetryMaxDelay()).isEqualTo(Duration.ofHours(1));
		assertThat(properties.getDefaults().getRetryJitter()).isEqualTo(0.1);
		TaskQueueProperties.Worker worker = properties.getWorker();
		assertThat(worker.isEnabled()).isTrue();
		assertThat(worker.getConcurrency()).isEqualTo(10);
		assertThat(worker.getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(worker.getBatchSize()).isEqualTo(100);
		assertThat(worker.getQueues()).isEmpty();
		assertThat(worker.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(worker.getDaemons().getLease()).isEqualTo(Duration.ofSeconds(30));
		assertThat(worker.getDaemons().getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(worker.getDaemons().getRestartDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(worker.getDaemons().getMaxRestartDelay()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getDaemons()).isEmpty();
		TaskQueueJdbcProperties jdbc = new TaskQueueJdbcProperties();
		assertThat(jdbc.getSchema()).isEqualTo("classpath:dev/taskqueue/store/jdbc/schema-@@platform@@.sql");
		assertThat(jdbc.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
		assertThat(jdbc.getPlatform()).isNull();
		assertThat(jdbc.isContinueOnError()).isTrue();
		assertThat(jdbc.getTablePrefix()).isEqualTo("TQ_");
		assertThat(jdbc.isUpgradeSchema()).isTrue();
		assertThat(jdbc.getWaitForSchema()).isEqualTo(Duration.ZERO);
	}

	@Test
	void typesBindInConfigurationOrderAndTypeNamesWithDotsNeedBrackets() {
		TaskQueueProperties properties = bind(Map.of("taskqueue.types.email.class-name", "com.example.EmailHandler",
				"taskqueue.types.email.timeout", "30s", "taskqueue.types.email.enabled", "false",
				"taskqueue.types[report.build].queue", "reports", "taskqueue.types[report.build].priority", "5",
				"taskqueue.types[report.build].name", "Report"));
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

	@Test
	void typeOptionsBindAndAreUnsetByDefault() {
		TaskQueueProperties properties = bind(Map.of("taskqueue.types.email.heartbeat", "10s",
				"taskqueue.types.email.retries", "5", "taskqueue.types.email.retry-delay", "2s",
				"taskqueue.types.email.retry-backoff", "1.5", "taskqueue.types.email.retry-max-delay", "5m",
				"taskqueue.types.email.retry-jitter", "0.25", "taskqueue.types.email.no-retry-for",
				"java.io.IOException, java.util.concurrent.TimeoutException", "taskqueue.types.report.queue", "reports"));
		TaskQueueProperties.Type email = properties.getTypes().get("email");
		assertThat(email.getHeartbeat()).isEqualTo(Duration.ofSeconds(10));
		assertThat(email.getRetries()).isEqualTo(5);
		assertThat(email.getRetryDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(email.getRetryBackoff()).isEqualTo(1.5);
		assertThat(email.getRetryMaxDelay()).isEqualTo(Duration.ofMinutes(5));
		assertThat(email.getRetryJitter()).isEqualTo(0.25);
		assertThat(email.getNoRetryFor()).containsExactly(IOException.class, TimeoutException.class);
		TaskQueueProperties.Type report = properties.getTypes().get("report");
		assertThat(report.getTimeout()).isNull();
		assertThat(report.getHeartbeat()).isNull();
		assertThat(report.getRetries()).isNull();
		assertThat(report.getRetryDelay()).isNull();
		assertThat(report.getRetryBackoff()).isNull();
		assertThat(report.getRetryMaxDelay()).isNull();
		assertThat(report.getRetryJitter()).isNull();
		assertThat(report.getNoRetryFor()).isNull();
	}

	@Test
	void workerQueuesBindByNameWithOptionalConcurrency() {
		TaskQueueProperties properties = bind(Map.of("taskqueue.worker.queues.reports.concurrency", "2",
				"taskqueue.worker.queues[mail.out]", "", "taskqueue.worker.queues.fast.concurrency", "8"));
		assertThat(properties.getWorker().getQueues()).containsOnlyKeys("reports", "mail.out", "fast");
		assertThat(properties.getWorker().getQueues().get("reports").getConcurrency()).isEqualTo(2);
		assertThat(properties.getWorker().getQueues().get("mail.out").getConcurrency()).isNull();
	}

	@Test
	void daemonsBindByNameAndNamesWithDotsNeedBrackets() {
		TaskQueueProperties properties = bind(Map.of("taskqueue.daemons.watcher.auto-start", "false",
				"taskqueue.daemons[inbox.bridge].auto-start", "true",
				"taskqueue.worker.daemons.lease", "10s", "taskqueue.worker.daemons.poll-interval", "500ms",
				"taskqueue.worker.daemons.restart-delay", "2s", "taskqueue.worker.daemons.max-restart-delay", "1m"));
		assertThat(properties.getDaemons()).containsOnlyKeys("watcher", "inbox.bridge");
		assertThat(properties.getDaemons().get("watcher").getAutoStart()).isFalse();
		assertThat(properties.getDaemons().get("inbox.bridge").getAutoStart()).isTrue();
		assertThat(new TaskQueueProperties.Daemon().getAutoStart()).isNull();
		TaskQueueProperties.Daemons daemons = properties.getWorker().getDaemons();
		assertThat(daemons.getLease()).isEqualTo(Duration.ofSeconds(10));
		assertThat(daemons.getPollInterval()).isEqualTo(Duration.ofMillis(500));
		assertThat(daemons.getRestartDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(daemons.getMaxRestartDelay()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void workerLeaseIsNoLongerAProperty() {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("taskqueue.worker.lease", "5m")));
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> binder.bind("taskqueue", Bindable.ofInstance(new TaskQueueProperties()),
					new NoUnboundElementsBindHandler(BindHandler.DEFAULT)))
			.havingRootCause()
			.isInstanceOfSatisfying(UnboundConfigurationPropertiesException.class,
					(ex) -> assertThat(ex.getUnboundProperties())
						.extracting((property) -> property.getName().toString())
						.containsExactly("taskqueue.worker.lease"));
	}

	@Test
	void metadataDescribesEveryOptionWithItsDefault() throws IOException {
		JsonNode metadata;
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			metadata = JsonMapper.builder().build().readTree(json);
		}
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		metadata.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
		assertThat(properties).doesNotContainKey("taskqueue.worker.lease")
			.containsKeys("taskqueue.defaults.timeout", "taskqueue.worker.queues");
		assertThat(properties.values()).allSatisfy((property) -> assertThat(property.has("description")).isTrue());
		assertThat(properties).extractingByKeys("taskqueue.defaults.heartbeat", "taskqueue.defaults.retries",
				"taskqueue.defaults.retry-delay", "taskqueue.defaults.retry-backoff", "taskqueue.defaults.retry-max-delay",
				"taskqueue.defaults.retry-jitter")
			.extracting((property) -> property.get("defaultValue").asString())
			.containsExactly("30s", "3", "10s", "2", "1h", "0.1");
		assertThat(properties.get("taskqueue.defaults.timeout").has("defaultValue")).isFalse();
	}

	private TaskQueueProperties bind(Map<String, String> source) {
		return new Binder(new MapConfigurationPropertySource(source))
			.bind("taskqueue", Bindable.ofInstance(new TaskQueueProperties()))
			.get();
	}

}

package dev.taskqueue.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.annotation.TaskAnnotationBeanPostProcessor;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.TaskQueueSchema;
import dev.taskqueue.store.jdbc.TaskQueueSchemaException;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TaskQueueAutoConfiguration}.
 */
class TaskQueueAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class));

	@Test
	void whenThereIsADataSourceThenTheQueueIsAutoConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TaskTypeRegistry.class)
				.hasSingleBean(TaskAnnotationBeanPostProcessor.class)
				.hasSingleBean(TaskQueueEngine.class)
				.hasSingleBean(TaskQueueDataSourceScriptDatabaseInitializer.class)
				.hasSingleBean(TaskQueue.class);
			TaskQueueEngine engine = context.getBean(TaskQueueEngine.class);
			assertThat(context.getBean(TaskQueue.class)).isSameAs(engine.queue());
			assertThat(engine.isRunning()).isTrue();
			assertThat(engine.workerId()).isNotNull();
			assertThat(countTasks(context, "TQ_")).isZero();
		});
	}

	@Test
	void whenThereIsNoDataSourceThenTheQueueIsNotConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TaskQueueAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TaskQueue.class)
				.doesNotHaveBean(TaskQueueEngine.class)
				.doesNotHaveBean(TaskTypeRegistry.class));
	}

	@Test
	void whenTheQueueIsDisabledThenNothingIsConfigured() {
		this.contextRunner.withPropertyValues("taskqueue.enabled=false")
			.withUserConfiguration(GreetingTasksConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TaskQueue.class)
				.doesNotHaveBean(TaskQueueEngine.class)
				.doesNotHaveBean(TaskTypeRegistry.class)
				.doesNotHaveBean(TaskAnnotationBeanPostProcessor.class)
				.doesNotHaveBean(TaskQueueDataSourceScriptDatabaseInitializer.class));
	}

	@Test
	void whenTheUserDefinesTheirOwnTaskQueueThenTheAutoConfiguredOneBacksOff() {
		this.contextRunner.withUserConfiguration(UserTaskQueueConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(TaskQueue.class);
			assertThat(context.getBean(TaskQueue.class)).isSameAs(context.getBean("myQueue"));
		});
	}

	@Test
	void whenTheUserDefinesTheirOwnEngineThenTheAutoConfiguredOneBacksOff() {
		this.contextRunner.withUserConfiguration(UserEngineConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(TaskQueueEngine.class);
			TaskQueueEngine engine = context.getBean(TaskQueueEngine.class);
			assertThat(engine).isSameAs(context.getBean("myEngine"));
			assertThat(context.getBean(TaskQueue.class)).isSameAs(engine.queue());
		});
	}

	@Test
	void whenCustomizersAreDefinedThenTheyAreAppliedInOrderAfterTheProperties() {
		this.contextRunner.withPropertyValues("taskqueue.worker.enabled=false")
			.withUserConfiguration(CustomizersConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TaskQueueEngine.class).workerId()).isEqualTo("second");
			});
	}

	@Test
	void whenATaskIsEnqueuedThenTheTaskMethodRunsIt() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.name=Greeting")
			.run((context) -> {
				TaskRef ref = context.getBean(TaskQueue.class).enqueue("greet", new Greeting("Ada"));
				TaskState state = awaitSucceeded(context, ref.id());
				assertThat(state.type()).isEqualTo("greet");
				assertThat(state.result(String.class)).isEqualTo("Hello Ada");
				assertThat(context.getBean(TaskTypeRegistry.class).get("greet").label()).isEqualTo("Greeting");
			});
	}

	@Test
	void whenAHandlerClassIsConfiguredThenItIsAutowiredAndRunsTasks() {
		this.contextRunner.withUserConfiguration(ShouterConfiguration.class)
			.withPropertyValues("taskqueue.types.shout.class-name=" + ShoutingHandler.class.getName())
			.run((context) -> {
				TaskRef ref = context.getBean(TaskQueue.class).enqueue("shout", new Greeting("Ada"));
				assertThat(awaitSucceeded(context, ref.id()).result(String.class)).isEqualTo("HELLO ADA!");
			});
	}

	@Test
	void whenATypeIsConfiguredThenTheConfigurationOverridesTheAnnotation() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.queue=configured", "taskqueue.types.greet.priority=7")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				TaskState configured = awaitSucceeded(context, queue.enqueue("greet", new Greeting("Ada")).id());
				assertThat(configured.queue()).isEqualTo("configured");
				assertThat(configured.priority()).isEqualTo(7);
				TaskState annotated = awaitSucceeded(context, queue.enqueue("farewell", new Greeting("Ada")).id());
				assertThat(annotated.queue()).isEqualTo("annotated");
				assertThat(annotated.priority()).isEqualTo(3);
			});
	}

	@Test
	void whenDefaultsAreConfiguredThenTheyApplyToTypesThatSetNothing() {
		this.contextRunner.withUserConfiguration(ShouterConfiguration.class)
			.withPropertyValues("taskqueue.types.shout.class-name=" + ShoutingHandler.class.getName(),
					"taskqueue.defaults.queue=fallback", "taskqueue.defaults.priority=2")
			.run((context) -> {
				TaskState state = awaitSucceeded(context,
						context.getBean(TaskQueue.class).enqueue("shout", new Greeting("Ada")).id());
				assertThat(state.queue()).isEqualTo("fallback");
				assertThat(state.priority()).isEqualTo(2);
			});
	}

	@Test
	void whenOptionsAreSetAtEveryLevelThenConfigurationWinsOverTheAnnotationOverTheDefaults() {
		this.contextRunner.withUserConfiguration(ReportTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.report.timeout=2m", "taskqueue.types.report.retries=7",
					"taskqueue.defaults.heartbeat=45s", "taskqueue.defaults.retries=1", "taskqueue.defaults.retry-delay=1m",
					"taskqueue.defaults.retry-backoff=3")
			.run((context) -> {
				TaskTypeRegistry registry = context.getBean(TaskTypeRegistry.class);
				TaskOptions defaults = TaskOptions.DEFAULTS;
				assertThat(registry.get("report").options()).isEqualTo(new TaskOptions(Duration.ofMinutes(2),
						Duration.ofSeconds(20), 7, Duration.ofSeconds(5), 3.0, defaults.retryMaxDelay(),
						defaults.retryJitter()));
				assertThat(registry.get("export").options()).isEqualTo(new TaskOptions(null, Duration.ofSeconds(45), 1,
						Duration.ofMinutes(1), 3.0, defaults.retryMaxDelay(), defaults.retryJitter()));
			});
	}

	@Test
	void whenNothingSetsOptionsThenTheyAreTheTaskOptionsDefaults() {
		this.contextRunner.withUserConfiguration(ReportTasksConfiguration.class)
			.run((context) -> assertThat(context.getBean(TaskTypeRegistry.class).get("export").options())
				.isEqualTo(TaskOptions.DEFAULTS));
	}

	@Test
	void whenNoRetryForIsConfiguredThenItReplacesTheAnnotatedExceptionTypes() {
		this.contextRunner.withUserConfiguration(ReportTasksConfiguration.class)
			.withPropertyValues(
					"taskqueue.types.report.no-retry-for=java.io.IOException,java.util.concurrent.TimeoutException")
			.run((context) -> {
				TaskTypeRegistry registry = context.getBean(TaskTypeRegistry.class);
				assertThat(registry.get("report").noRetryFor()).containsExactly(IOException.class,
						TimeoutException.class);
				assertThat(registry.get("export").noRetryFor()).containsExactly(IllegalStateException.class);
			});
	}

	@ParameterizedTest
	@CsvSource({ "taskqueue.types.greet.timeout, 0s", "taskqueue.types.greet.timeout, -1s", "taskqueue.types.greet.heartbeat, 99ms",
			"taskqueue.types.greet.retries, -1", "taskqueue.types.greet.retry-delay, -1s",
			"taskqueue.types.greet.retry-backoff, 0.5", "taskqueue.types.greet.retry-max-delay, -1s",
			"taskqueue.types.greet.retry-jitter, -0.1", "taskqueue.types.greet.retry-jitter, 1.5",
			"taskqueue.types[email.send].retry-backoff, 0.9", "taskqueue.defaults.timeout, 0s",
			"taskqueue.defaults.heartbeat, 50ms", "taskqueue.defaults.retries, -1", "taskqueue.defaults.retry-delay, -1s",
			"taskqueue.defaults.retry-backoff, 0.5", "taskqueue.defaults.retry-max-delay, -1s",
			"taskqueue.defaults.retry-jitter, 1.5", "taskqueue.worker.concurrency, 0", "taskqueue.worker.batch-size, 0", "taskqueue.worker.claim-ahead, PT-1S",
			"taskqueue.worker.queues.reports.concurrency, 0", "taskqueue.worker.queues[mail.out].concurrency, -1" })
	void whenAnOptionIsOutOfRangeThenStartupFailsNamingThePropertyAndValue(String property, String value) {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues(property + "=" + value)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
							(ex) -> assertThat(ex.getName()).isEqualTo(property))
					.hasMessageContaining("with value '" + value + "' is invalid");
			});
	}

	@Test
	void whenANoRetryForClassIsNotAnExceptionThenStartupFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.no-retry-for=java.lang.String")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
							(ex) -> assertThat(ex.getName()).isEqualTo("taskqueue.types.greet.no-retry-for"))
					.hasMessageContaining("java.lang.String");
			});
	}

	@Test
	void whenANoRetryForClassDoesNotExistThenStartupFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.no-retry-for=com.example.MissingException")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("Failed to bind properties under 'taskqueue.types.greet.no-retry-for'");
			});
	}

	@Test
	void whenQueuesAreConfiguredThenEachIsGivenToTheEngineWithItsConcurrency() {
		this.contextRunner.withUserConfiguration(BuilderCapturingConfiguration.class)
			.withPropertyValues("taskqueue.worker.concurrency=4", "taskqueue.worker.queues.reports.concurrency=2",
					"taskqueue.worker.queues[mail.out]=")
			.run((context) -> assertThat(context.getBean(BuilderCapturingCustomizer.class).builder)
				.extracting("queueConcurrency")
				.isEqualTo(Map.of("reports", 2, "mail.out", 4)));
	}

	@Test
	void whenQueuesAreConfiguredThenOnlyTheyAreServedEachWithItsOwnSlots() {
		this.contextRunner.withUserConfiguration(SlowAndFastTasksConfiguration.class)
			.withPropertyValues("taskqueue.worker.concurrency=1", "taskqueue.worker.queues.slow.concurrency=1",
					"taskqueue.worker.queues.fast=")
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				SlowAndFastTasks tasks = context.getBean(SlowAndFastTasks.class);
				try {
					List<UUID> slow = List.of(queue.enqueue("slow", new Greeting("Ada")).id(),
							queue.enqueue("slow", new Greeting("Bob")).id());
					UUID other = queue.enqueue("other", new Greeting("Cy")).id();
					await().atMost(Duration.ofSeconds(20))
						.until(() -> statuses(queue, slow), (statuses) -> statuses.contains(TaskStatus.RUNNING));
					awaitSucceeded(context, queue.enqueue("fast", new Greeting("Dee")).id());
					assertThat(statuses(queue, slow)).containsExactlyInAnyOrder(TaskStatus.RUNNING, TaskStatus.READY);
					tasks.release();
					slow.forEach((id) -> awaitSucceeded(context, id));
					assertThat(queue.find(other)).map(TaskState::status).contains(TaskStatus.READY);
				}
				finally {
					tasks.release();
				}
			});
	}

	@Test
	void whenWorkersAreDisabledThenTheNodeOnlyEnqueues() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.worker.enabled=false")
			.run((context) -> {
				TaskQueueEngine engine = context.getBean(TaskQueueEngine.class);
				assertThat(engine.workerId()).isNull();
				TaskQueue queue = context.getBean(TaskQueue.class);
				UUID id = queue.enqueue("greet", new Greeting("Ada")).id();
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(2))
					.until(() -> queue.find(id).map(TaskState::status),
							(status) -> status.equals(Optional.of(TaskStatus.READY)));
			});
	}

	@Test
	void whenATaskIsEnqueuedInATransactionThatRollsBackThenNoTaskRemains() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class).run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate transaction = new TransactionTemplate(transactionManager);
			UUID id = transaction.execute((status) -> {
				UUID enqueued = queue.enqueue("greet", new Greeting("Ada")).id();
				assertThat(queue.find(enqueued)).isPresent();
				status.setRollbackOnly();
				return enqueued;
			});
			assertThat(queue.find(id)).isEmpty();
			assertThat(countTasks(context, "TQ_")).isZero();
		});
	}

	@Test
	void whenATablePrefixIsConfiguredThenTheSchemaAndTheEngineUseIt() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.jdbc.table-prefix=APP_QUEUE_")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				String tables = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'APP_QUEUE_%'";
				assertThat(jdbc.queryForList(tables, String.class)).containsExactlyInAnyOrder("APP_QUEUE_TASK",
						"APP_QUEUE_TASK_PARENT", "APP_QUEUE_TASK_ERROR", "APP_QUEUE_JOB", "APP_QUEUE_JOB_CALLBACK",
						"APP_QUEUE_SCHEDULE", "APP_QUEUE_SCHEDULE_SLOT", "APP_QUEUE_SCHEMA_VERSION", "APP_QUEUE_DAEMON", "APP_QUEUE_NODE",
						"APP_QUEUE_LEASE", "APP_QUEUE_AUDIT");
				awaitSucceeded(context, context.getBean(TaskQueue.class).enqueue("greet", new Greeting("Ada")).id());
				assertThat(countTasks(context, "APP_QUEUE_")).isOne();
			});
	}

	@Test
	void whenTheTablePrefixIsInvalidThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.jdbc.table-prefix=TQ; DROP").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.jdbc.table-prefix");
		});
	}

	@Test
	void whenSchemaInitializationIsDisabledThenThereIsNoInitializer() {
		DataSource dataSource = TestDatabases.h2();
		TestDatabases.createSchema(dataSource, "h2", "TQ_");
		this.contextRunner.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("taskqueue.jdbc.initialize-schema=never", "taskqueue.worker.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TaskQueueDataSourceScriptDatabaseInitializer.class)
				.hasSingleBean(TaskQueueEngine.class));
	}

	@Test
	void whenSchemaInitializationIsDisabledAndTheTablesAreMissingThenStartupFailsSayingHowToCreateThem() {
		this.contextRunner.withPropertyValues("taskqueue.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskQueueSchemaException.class)
				.hasMessageContaining("TQ_* do not exist")
				.hasMessageContaining("taskqueue.jdbc.initialize-schema=always")
				.hasMessageContaining("classpath:dev/taskqueue/store/jdbc/schema-h2.sql");
		});
	}

	@Test
	void whenTablesOfAnEarlierVersionExistThenTheDefaultsUpgradeThemInPlaceAndTheirTasksRun() {
		DataSource dataSource = TestDatabases.h2();
		TestDatabases.createSchema(dataSource, "h2", "TQ_", 1);
		UUID old = insertGreeting(dataSource);
		this.contextRunner.withBean(DataSource.class, () -> dataSource)
			.withUserConfiguration(GreetingTasksConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(awaitSucceeded(context, old).result(String.class)).isEqualTo("Hello Old");
				awaitSucceeded(context, context.getBean(TaskQueue.class).enqueue("greet", new Greeting("Ada")).id());
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				// Each step from version 4, the first that records itself, once
				assertThat(jdbc.queryForList("SELECT version FROM TQ_SCHEMA_VERSION ORDER BY version", Integer.class))
					.containsExactlyElementsOf(IntStream.rangeClosed(4, TaskQueueSchema.CURRENT_VERSION).boxed().toList());
				assertThat(jdbc.queryForList("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'TQ_%'",
						String.class))
					.containsExactlyInAnyOrder("TQ_TASK", "TQ_TASK_PARENT", "TQ_TASK_ERROR", "TQ_JOB", "TQ_JOB_CALLBACK",
							"TQ_SCHEDULE", "TQ_SCHEDULE_SLOT", "TQ_SCHEMA_VERSION", "TQ_DAEMON", "TQ_NODE",
							"TQ_LEASE", "TQ_AUDIT");
				assertThat(countTasks(context, "TQ_")).isEqualTo(2);
			});
	}

	@Test
	void whenTheUpgradeIsOffThenTablesOfAnEarlierVersionFailStartupNamingTheVersionsAndAreLeftAsTheyAre() {
		DataSource dataSource = TestDatabases.h2();
		TestDatabases.createSchema(dataSource, "h2", "TQ_", 2);
		insertGreeting(dataSource);
		// The failed context must not close the pool that the test reads afterwards
		this.contextRunner.withBean(DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withPropertyValues("taskqueue.jdbc.upgrade-schema=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(TaskQueueSchemaException.class)
					.hasMessageContaining("schema version 2")
					.hasMessageContaining("needs version " + TaskQueueSchema.CURRENT_VERSION)
					.hasMessageContaining("taskqueue.jdbc.upgrade-schema=false");
				assertThat(new JdbcTemplate(dataSource).queryForObject(
						"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME IN ('TQ_JOB', 'TQ_SCHEMA_VERSION')",
						Integer.class))
					.isZero();
			});
	}

	@Test
	void whenWaitForSchemaIsOutOfRangeThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.jdbc.wait-for-schema=2d").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("taskqueue.jdbc.wait-for-schema");
		});
	}

	@Test
	void whenTheSchemaIsInitializedThenTheEngineDependsOnTheInitializer() {
		this.contextRunner.run((context) -> {
			String[] initializers = context.getBeanNamesForType(TaskQueueDataSourceScriptDatabaseInitializer.class);
			String[] engines = context.getBeanNamesForType(TaskQueueEngine.class);
			assertThat(context.getBeanFactory().getBeanDefinition(engines[0]).getDependsOn()).contains(initializers);
		});
	}

	@Test
	void whenATaskQueueDataSourceIsDefinedThenTheQueueUsesIt() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class, GreetingTasksConfiguration.class)
			.run((context) -> {
				DataSource queueDataSource = context.getBean("queueDataSource", DataSource.class);
				awaitSucceeded(context, context.getBean(TaskQueue.class).enqueue("greet", new Greeting("Ada")).id());
				JdbcTemplate queueJdbc = new JdbcTemplate(queueDataSource);
				assertThat(queueJdbc.queryForObject("SELECT COUNT(*) FROM TQ_TASK", Integer.class)).isOne();
				assertThat(tableCount(context.getBean("applicationDataSource", DataSource.class))).isZero();
			});
	}

	@Test
	void whenAConfiguredTypeHasNoHandlerThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.types.email.queue=mail").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.types.email.class-name")
				.hasMessageContaining("@Task(\"email\")");
		});
	}

	@Test
	void whenTwoTaskMethodsHandleTheSameTypeThenStartupFailsNamingBothMethods() {
		this.contextRunner
			.withUserConfiguration(GreetingTasksConfiguration.class, OtherGreetingTasksConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("OtherGreetingTasks.hello'")
					.hasMessageContaining("GreetingTasks.greet'")
					.hasMessageContaining("'greet'");
			});
	}

	@Test
	void whenATaskMethodAndAHandlerClassHandleTheSameTypeThenStartupFailsNamingBoth() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class, ShouterConfiguration.class)
			.withPropertyValues("taskqueue.types.greet.class-name=" + ShoutingHandler.class.getName())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.types.greet.class-name")
					.hasMessageContaining("GreetingTasks.greet'");
			});
	}

	@Test
	void whenAHandlerClassCannotBeLoadedThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.types.email.class-name=com.example.MissingHandler")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.types.email.class-name")
					.hasMessageContaining("com.example.MissingHandler");
			});
	}

	@Test
	void whenAHandlerClassDoesNotImplementTaskHandlerThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.types.email.class-name=java.lang.String").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("taskqueue.types.email.class-name")
				.hasMessageContaining("java.lang.String")
				.hasMessageContaining("does not implement dev.taskqueue.TaskHandler");
		});
	}

	static TaskState awaitSucceeded(AssertableApplicationContext context, UUID id) {
		TaskQueue queue = context.getBean(TaskQueue.class);
		return await().atMost(Duration.ofSeconds(20))
			.until(() -> queue.find(id).orElseThrow(), (state) -> state.status() == TaskStatus.SUCCEEDED);
	}

	private static List<TaskStatus> statuses(TaskQueue queue, List<UUID> ids) {
		return ids.stream().map((id) -> queue.find(id).orElseThrow().status()).toList();
	}

	private static int countTasks(AssertableApplicationContext context, String tablePrefix) {
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
		Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM " + tablePrefix + "TASK", Integer.class);
		return (count != null) ? count : -1;
	}

	/** A ready greeting as the first schema version stored it. */
	private static UUID insertGreeting(DataSource dataSource) {
		UUID id = UUID.randomUUID();
		new JdbcTemplate(dataSource).update("INSERT INTO TQ_TASK (id, type, queue, status, priority, run_at, attempts, "
				+ "pending_parents, payload, created_at) VALUES (?, 'greet', 'annotated', 'READY', 0, CURRENT_TIMESTAMP, 0, 0, "
				+ "'{\"name\":\"Old\"}', CURRENT_TIMESTAMP)", id);
		return id;
	}

	private static int tableCount(DataSource dataSource) {
		Integer count = new JdbcTemplate(dataSource).queryForObject(
				"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'TQ_%'", Integer.class);
		return (count != null) ? count : -1;
	}

	record Greeting(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class GreetingTasksConfiguration {

		@Bean
		GreetingTasks greetingTasks() {
			return new GreetingTasks();
		}

	}

	static class GreetingTasks {

		@Task(value = "greet", queue = "annotated", priority = "1")
		public String greet(Greeting greeting) {
			return "Hello " + greeting.name();
		}

		@Task(value = "farewell", queue = "annotated", priority = "3")
		public String farewell(Greeting greeting) {
			return "Goodbye " + greeting.name();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReportTasksConfiguration {

		@Bean
		ReportTasks reportTasks() {
			return new ReportTasks();
		}

	}

	static class ReportTasks {

		@Task(value = "report", heartbeat = "20s", retries = "5", retryDelay = "5s",
				noRetryFor = IllegalStateException.class)
		public String report(Greeting greeting) {
			return "Report for " + greeting.name();
		}

		@Task(value = "export", noRetryFor = IllegalStateException.class)
		public String export(Greeting greeting) {
			return "Export for " + greeting.name();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowAndFastTasksConfiguration {

		@Bean
		SlowAndFastTasks slowAndFastTasks() {
			return new SlowAndFastTasks();
		}

	}

	static class SlowAndFastTasks {

		private final CountDownLatch released = new CountDownLatch(1);

		@Task(value = "slow", queue = "slow")
		public String slow(Greeting greeting) throws InterruptedException {
			this.released.await(20, TimeUnit.SECONDS);
			return "Slow " + greeting.name();
		}

		@Task(value = "fast", queue = "fast")
		public String fast(Greeting greeting) {
			return "Fast " + greeting.name();
		}

		@Task(value = "other", queue = "other")
		public String other(Greeting greeting) {
			return "Other " + greeting.name();
		}

		void release() {
			this.released.countDown();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderCapturingConfiguration {

		@Bean
		BuilderCapturingCustomizer builderCapturingCustomizer() {
			return new BuilderCapturingCustomizer();
		}

	}

	static class BuilderCapturingCustomizer implements TaskQueueCustomizer {

		private TaskQueueEngine.@Nullable Builder builder;

		@Override
		public void customize(TaskQueueEngine.Builder builder) {
			this.builder = builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherGreetingTasksConfiguration {

		@Bean
		OtherGreetingTasks otherGreetingTasks() {
			return new OtherGreetingTasks();
		}

	}

	static class OtherGreetingTasks {

		@Task("greet")
		public String hello(Greeting greeting) {
			return "Hi " + greeting.name();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShouterConfiguration {

		@Bean
		Shouter shouter() {
			return new Shouter();
		}

	}

	static class Shouter {

		String shout(String text) {
			return text.toUpperCase() + "!";
		}

	}

	static class ShoutingHandler implements TaskHandler<Greeting> {

		private final Shouter shouter;

		ShoutingHandler(Shouter shouter) {
			this.shouter = shouter;
		}

		@Override
		public Object handle(Greeting payload, TaskContext context) {
			return this.shouter.shout("Hello " + payload.name());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTaskQueueConfiguration {

		@Bean
		TaskQueue myQueue() {
			return mock(TaskQueue.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEngineConfiguration {

		@Bean
		TaskQueueEngine myEngine(DataSource dataSource, TaskTypeRegistry registry) {
			return TaskQueueEngine.builder(dataSource, registry, JsonMapper.builder().build())
				.workerEnabled(false)
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		@Bean
		@Order(2)
		TaskQueueCustomizer secondCustomizer() {
			return (builder) -> builder.workerId("second");
		}

		@Bean
		@Order(1)
		TaskQueueCustomizer firstCustomizer() {
			return (builder) -> builder.workerEnabled(true).workerId("first");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSourcesConfiguration {

		@Bean
		@Primary
		DataSource applicationDataSource() {
			return TestDatabases.h2();
		}

		@Bean
		@TaskQueueDataSource
		DataSource queueDataSource() {
			return TestDatabases.h2();
		}

	}

}

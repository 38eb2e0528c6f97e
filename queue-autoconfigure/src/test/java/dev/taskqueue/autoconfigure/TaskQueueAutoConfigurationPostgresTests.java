package dev.taskqueue.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfigurationTests.Greeting;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfigurationTests.GreetingTasksConfiguration;
import dev.taskqueue.store.jdbc.TaskQueueSchemaException;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TaskQueueAutoConfiguration} on a PostgreSQL server, which is not an
 * embedded database: the schema is created only when asked for.
 */
class TaskQueueAutoConfigurationPostgresTests {

	private final String tablePrefix = TestDatabases.uniqueTablePrefix();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("taskqueue.worker.poll-interval=100ms", "taskqueue.worker.shutdown-timeout=5s",
				"taskqueue.jdbc.table-prefix=" + this.tablePrefix)
		.withUserConfiguration(PostgresConfiguration.class)
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class));

	@AfterEach
	void dropSchema() {
		TestDatabases.dropSchema(TestDatabases.postgres(), "postgresql", this.tablePrefix);
	}

	@Test
	void whenSchemaInitializationIsAlwaysThenTheSchemaIsCreatedAndTasksRun() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.jdbc.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasSingleBean(TaskQueueDataSourceScriptDatabaseInitializer.class);
				String prefix = this.tablePrefix.toUpperCase(Locale.ROOT);
				assertThat(tables()).containsExactlyInAnyOrder(prefix + "TASK", prefix + "TASK_PARENT",
						prefix + "TASK_ERROR", prefix + "JOB", prefix + "JOB_CALLBACK", prefix + "SCHEDULE",
						prefix + "SCHEDULE_SLOT", prefix + "SCHEMA_VERSION", prefix + "DAEMON", prefix + "NODE", prefix + "LEASE",
						prefix + "AUDIT");
				TaskQueue queue = context.getBean(TaskQueue.class);
				TaskState state = TaskQueueAutoConfigurationTests.awaitSucceeded(context,
						queue.enqueue("greet", new Greeting("Ada")).id());
				assertThat(state.result(String.class)).isEqualTo("Hello Ada");
			});
	}

	@Test
	void whenSchemaInitializationIsLeftAtEmbeddedThenAServerIsNotTouchedAndMissingTablesFailStartup() {
		this.contextRunner.withPropertyValues("taskqueue.worker.enabled=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskQueueSchemaException.class)
				.hasMessageContaining("do not exist")
				.hasMessageContaining("taskqueue.jdbc.initialize-schema=always")
				.hasMessageContaining("classpath:dev/taskqueue/store/jdbc/schema-postgresql.sql");
			assertThat(tables()).isEmpty();
		});
	}

	@Test
	void whenTablesOfAnEarlierVersionExistThenTheEngineUpgradesThemOnStartAndTheirTasksRun() {
		TestDatabases.createSchema(TestDatabases.postgres(), "postgresql", this.tablePrefix, 2);
		UUID old = UUID.randomUUID();
		new JdbcTemplate(TestDatabases.postgres()).update("INSERT INTO " + this.tablePrefix + "TASK (id, type, queue, "
				+ "status, priority, run_at, attempts, pending_parents, payload, created_at) VALUES (?, 'greet', "
				+ "'annotated', 'READY', 0, now(), 0, 0, '{\"name\":\"Old\"}', now())", old);
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TaskState state = TaskQueueAutoConfigurationTests.awaitSucceeded(context, old);
			assertThat(state.result(String.class)).isEqualTo("Hello Old");
			String prefix = this.tablePrefix.toUpperCase(Locale.ROOT);
			assertThat(tables()).containsExactlyInAnyOrder(prefix + "TASK", prefix + "TASK_PARENT",
					prefix + "TASK_ERROR", prefix + "JOB", prefix + "JOB_CALLBACK", prefix + "SCHEDULE",
					prefix + "SCHEDULE_SLOT", prefix + "SCHEMA_VERSION", prefix + "DAEMON", prefix + "NODE", prefix + "LEASE",
						prefix + "AUDIT");
		});
	}

	@Test
	void whenAnOptionIsOutOfRangeThenStartupFailsBeforeAnythingIsWritten() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.jdbc.initialize-schema=always", "taskqueue.types.greet.retries=-1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("taskqueue.types.greet.retries");
				assertThat(tables()).isEmpty();
			});
	}

	private List<String> tables() {
		return new JdbcTemplate(TestDatabases.postgres()).queryForList(
				"SELECT table_name FROM information_schema.tables WHERE upper(table_name) LIKE ?", String.class,
				this.tablePrefix.toUpperCase(Locale.ROOT) + "%")
			.stream()
			.map((table) -> table.toUpperCase(Locale.ROOT))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class PostgresConfiguration {

		// The shared pool outlives each context
		@Bean(destroyMethod = "")
		DataSource dataSource() {
			return TestDatabases.postgres();
		}

	}

}

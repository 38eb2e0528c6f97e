package dev.taskqueue.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.actuate.TaskQueueEndpoint.ActionDescriptor;
import dev.taskqueue.autoconfigure.actuate.TaskQueueEndpoint.JobDescriptor;
import dev.taskqueue.autoconfigure.actuate.TaskQueueEndpoint.QueueDescriptor;
import dev.taskqueue.autoconfigure.actuate.TaskQueueEndpoint.TaskDescriptor;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TaskQueueHealthContributorAutoConfiguration} and
 * {@link TaskQueueEndpointAutoConfiguration} on every supported database. The node only
 * enqueues, so that its tasks stay where the test puts them.
 */
abstract class TaskQueueActuatorContractTests {

	private final String tablePrefix = TestDatabases.uniqueTablePrefix();

	private DataSource dataSource;

	protected abstract DataSource createDataSource();

	protected abstract String platform();

	private DataSource dataSource() {
		if (this.dataSource == null) {
			this.dataSource = createDataSource();
		}
		return this.dataSource;
	}

	private ApplicationContextRunner contextRunner() {
		DataSource dataSource = dataSource();
		return new ApplicationContextRunner()
			.withPropertyValues("taskqueue.worker.enabled=false", "taskqueue.metrics.refresh-interval=0s",
					"taskqueue.jdbc.initialize-schema=always", "taskqueue.jdbc.table-prefix=" + this.tablePrefix)
			.withBean("dataSource", DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withUserConfiguration(EchoTasks.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
					TaskQueueAutoConfiguration.class, TaskQueueHealthContributorAutoConfiguration.class,
					EndpointAutoConfiguration.class, TaskQueueEndpointAutoConfiguration.class));
	}

	@AfterEach
	void dropSchema() {
		TestDatabases.dropSchema(dataSource(), platform(), this.tablePrefix);
	}

	@Test
	void healthIsUpWithTheBacklogTheOldestDueAgeAndTheLiveNodes() {
		contextRunner().run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			queue.enqueue("echo", "a");
			queue.enqueue("echo", "b");
			queue.enqueue(TaskRequest.builder("echo").payload("later").delay(Duration.ofHours(1)).build());
			Health health = context.getBean(TaskQueueHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backlog", 2L).containsEntry("liveNodes", 0)
				.containsKey("oldestDueAge");
			assertThat(health.getDetails().get("tasks")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry(TaskStatus.READY, 3L);
		});
	}

	@Test
	void whenTheBacklogPassesItsThresholdThenHealthIsDegradedButNotDown() {
		contextRunner().withPropertyValues("taskqueue.health.backlog-threshold=1").run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			queue.enqueue("echo", "a");
			HealthIndicator indicator = context.getBean(TaskQueueHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			queue.enqueue("echo", "b");
			assertThat(indicator.health().getStatus()).isEqualTo(TaskQueueHealthIndicator.DEGRADED);
		});
	}

	@Test
	void whenTheTaskTablesCannotBeReachedThenHealthIsDown() {
		contextRunner().withPropertyValues("taskqueue.metrics.refresh-interval=1h").run((context) -> {
			new JdbcTemplate(dataSource()).execute("DROP TABLE " + this.tablePrefix + "TASK");
			TaskQueueHealthIndicator indicator = context.getBean(TaskQueueHealthIndicator.class);
			for (int i = 0; i < 2; i++) {
				// The second time from the failed read, remembered for the refresh interval
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error");
			}
		});
	}

	@Test
	void whenTheNodeTableCannotBeReachedThenHealthIsDown() {
		contextRunner().withPropertyValues("taskqueue.metrics.refresh-interval=1h").run((context) -> {
			new JdbcTemplate(dataSource()).execute("DROP TABLE " + this.tablePrefix + "NODE");
			Health health = context.getBean(TaskQueueHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsKey("error");
		});
	}

	@Test
	void healthReadsTheLiveNodesAtMostOncePerRefreshIntervalOfTheTaskCounts() {
		contextRunner().withPropertyValues("taskqueue.metrics.refresh-interval=1h").run((cached) -> {
			contextRunner().run((uncached) -> {
				HealthIndicator cachedHealth = cached.getBean(TaskQueueHealthIndicator.class);
				HealthIndicator uncachedHealth = uncached.getBean(TaskQueueHealthIndicator.class);
				assertThat(cachedHealth.health().getDetails()).containsEntry("liveNodes", 0);
				assertThat(uncachedHealth.health().getDetails()).containsEntry("liveNodes", 0);
				contextRunner().withPropertyValues("taskqueue.worker.enabled=true").run((worker) -> {
					assertThat(worker.getBean(TaskQueueEngine.class).nodes()).hasSize(1);
					assertThat(uncachedHealth.health().getDetails()).containsEntry("liveNodes", 1);
					assertThat(cachedHealth.health().getDetails()).containsEntry("liveNodes", 0);
				});
			});
		});
	}

	@Test
	void whenTheHealthIndicatorIsDisabledThenItBacksOff() {
		contextRunner().withPropertyValues("management.health.taskqueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskQueueHealthIndicator.class));
	}

	@Test
	void whenHealthSupportIsNotOnTheClasspathThenTheHealthIndicatorBacksOff() {
		contextRunner().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueueHealthIndicator.class));
	}

	@Test
	void whenTheEndpointIsNotExposedThenItIsNotCreated() {
		contextRunner().run((context) -> assertThat(context).doesNotHaveBean(TaskQueueEndpoint.class));
	}

	@Test
	void whenTheEndpointsAccessIsNoneThenItIsNotCreated() {
		contextRunner()
			.withPropertyValues("management.endpoints.web.exposure.include=taskqueue",
					"management.endpoint.taskqueue.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskQueueEndpoint.class));
	}

	@Test
	void theEndpointCountsTasksByStatusQueueAndTypeAndFindsTasksAndJobs() {
		exposed().run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			UUID id = queue.enqueue(TaskRequest.builder("echo").payload("a").queue("mail").build()).id();
			UUID jobId = queue.startJob(JobRequest.builder("nightly").task(TaskRequest.of("echo", "b")).build()).id();
			TaskQueueEndpoint endpoint = context.getBean(TaskQueueEndpoint.class);
			QueueDescriptor overview = endpoint.queue();
			assertThat(overview.tasks()).containsEntry(TaskStatus.READY, 2L).containsEntry(TaskStatus.RUNNING, 0L);
			assertThat(overview.queues().get("mail")).containsEntry(TaskStatus.READY, 1L);
			assertThat(overview.types().get("echo")).containsEntry(TaskStatus.READY, 2L);
			assertThat(overview.backlog()).isEqualTo(2);
			assertThat(overview.nodes()).isEmpty();
			assertThat(endpoint.find("tasks", id)).isInstanceOfSatisfying(TaskDescriptor.class, (task) -> {
				assertThat(task.queue()).isEqualTo("mail");
				assertThat(task.payload().asString()).isEqualTo("a");
			});
			assertThat(endpoint.find("jobs", jobId)).isInstanceOfSatisfying(JobDescriptor.class,
					(job) -> assertThat(job.name()).isEqualTo("nightly"));
			assertThat(endpoint.find("tasks", UUID.randomUUID())).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.find("nodes", id))
				.withMessageContaining("Unknown kind 'nodes'");
		});
	}

	@Test
	void theEndpointMasksTheConfiguredFieldsOfPayloads() {
		exposed().run((context) -> {
			UUID id = context.getBean(TaskQueue.class)
				.enqueue("login", Map.of("user", "ada", "password", "hunter2"))
				.id();
			assertThat(context.getBean(TaskQueueEndpoint.class).find("tasks", id))
				.isInstanceOfSatisfying(TaskDescriptor.class, (task) -> {
					assertThat(task.payload().get("user").asString()).isEqualTo("ada");
					assertThat(task.payload().get("password").asString()).isEqualTo("***");
				});
		});
	}

	@Test
	void theEndpointHidesPayloadsWhenConfiguredTo() {
		exposed().withPropertyValues("taskqueue.dashboard.payloads=hide").run((context) -> {
			UUID id = context.getBean(TaskQueue.class).enqueue("echo", "personal").id();
			assertThat(context.getBean(TaskQueueEndpoint.class).find("tasks", id))
				.isInstanceOfSatisfying(TaskDescriptor.class,
						(task) -> assertThat(task.payload().asString()).isEqualTo("***"));
		});
	}

	@Test
	void theEndpointCancelsAndRetriesTasksAndJobs() {
		exposed().run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			UUID id = queue.enqueue("echo", "a").id();
			UUID jobId = queue.startJob(JobRequest.builder("nightly").task(TaskRequest.of("echo", "b")).build()).id();
			TaskQueueEndpoint endpoint = context.getBean(TaskQueueEndpoint.class);
			assertThat(endpoint.act("tasks", id, "cancel")).isEqualTo(new ActionDescriptor(id, "cancel", 1));
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
			assertThat(endpoint.act("tasks", id, "retry")).isEqualTo(new ActionDescriptor(id, "retry", 1));
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
			assertThat(endpoint.act("jobs", jobId, "cancel")).isEqualTo(new ActionDescriptor(jobId, "cancel", 1));
			assertThat(endpoint.act("tasks", UUID.randomUUID(), "cancel")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.act("tasks", id, "pause"))
				.withMessageContaining("Unknown action 'pause'");
		});
	}

	private ApplicationContextRunner exposed() {
		return contextRunner().withPropertyValues("management.endpoints.web.exposure.include=taskqueue");
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoTasks {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	static class Echo {

		@Task("echo")
		public String echo(String text) {
			return text;
		}

		@Task("login")
		public String login(Map<String, Object> credentials) {
			return "signed in";
		}

	}

}

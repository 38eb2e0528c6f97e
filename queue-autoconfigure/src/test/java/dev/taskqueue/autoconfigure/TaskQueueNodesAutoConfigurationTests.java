package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfigurationTests.Greeting;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfigurationTests.GreetingTasksConfiguration;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.WorkerIdInUseException;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the nodes and run modes of {@link TaskQueueAutoConfiguration}: the worker id, the
 * registry's heartbeat, and the run limits that end the application with
 * {@link TaskQueueApplicationExit#EXIT_CODE}.
 */
class TaskQueueNodesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class));

	@Test
	void whenAWorkerIdIsConfiguredThenTheNodeIsListedUnderItWithItsHeartbeat() {
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withPropertyValues("taskqueue.worker.id=worker-7", "taskqueue.worker.node-heartbeat-interval=2s",
					"taskqueue.worker.node-expiry=7s")
			.run((context) -> {
				TaskQueueEngine engine = context.getBean(TaskQueueEngine.class);
				assertThat(engine.workerId()).isEqualTo("worker-7");
				assertThat(engine.nodes()).singleElement().satisfies((node) -> {
					assertThat(node.id()).isEqualTo("worker-7");
					assertThat(node.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
					assertThat(node.expiresAt()).isEqualTo(node.lastHeartbeat().plusSeconds(7));
				});
			});
	}

	@Test
	void whenASecondNodeStartsWithTheWorkerIdOfALiveOneThenItsStartupFailsNamingTheIdAndTheOtherNode() {
		DataSource dataSource = TestDatabases.h2();
		ApplicationContextRunner runner = this.contextRunner
			.withBean(DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withPropertyValues("taskqueue.worker.id=single");
		runner.run((first) -> {
			NodeInfo holder = first.getBean(TaskQueueEngine.class).nodes().get(0);
			runner.run((second) -> {
				assertThat(second).hasFailed();
				assertThat(second.getStartupFailure()).rootCause()
					.isInstanceOf(WorkerIdInUseException.class)
					.hasMessageContaining("Worker id 'single' is in use by a live node")
					.hasMessageContaining("host " + holder.host() + ", pid " + holder.pid() + ", started at "
							+ holder.startedAt());
				FailureAnalysis analysis = new WorkerIdInUseFailureAnalyzer().analyze(second.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("TaskQueue worker id 'single' is in use by a live node")
					.contains("pid " + holder.pid());
				Instant free = ((WorkerIdInUseException) NestedExceptionUtils.getRootCause(second.getStartupFailure()))
					.getHolder()
					.expiresAt();
				assertThat(analysis.getAction()).contains("'taskqueue.worker.id'").contains(free.toString());
			});
		});
		runner.run((third) -> assertThat(third).hasNotFailed());
	}

	@Test
	void whenTheNodeHasRunMaxTasksThenItFinishesThemAndTheApplicationExitsWithCode75() {
		DataSource dataSource = TestDatabases.h2();
		CompletableFuture<Integer> exitCode = new CompletableFuture<>();
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withBean(DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withBean(TaskQueueApplicationExit.class,
					() -> (context, limit) -> exitCode.complete(SpringApplication.exit(context)))
			.withPropertyValues("taskqueue.worker.max-tasks=2", "taskqueue.worker.concurrency=1")
			.run((context) -> {
				enqueueGreetings(context.getBean(TaskQueue.class), 3);
				assertThat(exitCode).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(TaskQueueApplicationExit.EXIT_CODE);
				assertThat(context.isActive()).isFalse();
				assertThat(statusCounts(dataSource)).containsExactly("READY=1", "SUCCEEDED=2");
				assertThat(nodeCount(dataSource)).isZero();
			});
	}

	@Test
	void whenTheHeapInUseAfterATaskReachesTheMemoryLimitThenTheApplicationExitsWithCode75() {
		DataSource dataSource = TestDatabases.h2();
		CompletableFuture<Integer> exitCode = new CompletableFuture<>();
		this.contextRunner.withUserConfiguration(GreetingTasksConfiguration.class)
			.withBean(DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withBean(TaskQueueApplicationExit.class,
					() -> (context, limit) -> exitCode.complete(SpringApplication.exit(context)))
			.withPropertyValues("taskqueue.worker.memory-limit=1KB", "taskqueue.worker.concurrency=1",
					"taskqueue.worker.claim-ahead=0s")
			.run((context) -> {
				enqueueGreetings(context.getBean(TaskQueue.class), 3);
				assertThat(exitCode).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(TaskQueueApplicationExit.EXIT_CODE);
				assertThat(context.isActive()).isFalse();
				assertThat(statusCounts(dataSource)).containsExactly("READY=2", "SUCCEEDED=1");
			});
	}

	@Test
	void whenNoLimitIsReachedThenTheExitCodeIsZero() {
		this.contextRunner.withPropertyValues("taskqueue.worker.max-tasks=5")
			.run((context) -> assertThat(SpringApplication.exit(context)).isZero());
	}

	@Test
	void whenWorkersAreDisabledThenNothingEndsTheApplication() {
		this.contextRunner.withPropertyValues("taskqueue.worker.enabled=false", "taskqueue.worker.max-tasks=1")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TaskQueueApplicationExit.class)
				.doesNotHaveBean(RunLimitExitCodeGenerator.class));
	}

	@Test
	void whenTheUserDefinesTheirOwnApplicationExitThenTheAutoConfiguredOneBacksOff() {
		this.contextRunner.withUserConfiguration(UserApplicationExitConfiguration.class)
			.run((context) -> assertThat(context).getBean(TaskQueueApplicationExit.class)
				.isSameAs(context.getBean("myExit")));
	}

	@ParameterizedTest
	@CsvSource({ "taskqueue.worker.max-tasks, -1", "taskqueue.worker.max-runtime, 0s",
			"taskqueue.worker.max-runtime, -5m", "taskqueue.worker.memory-limit, 0B",
			"taskqueue.worker.memory-limit, -1MB", "taskqueue.worker.node-heartbeat-interval, 0s",
			"taskqueue.worker.progress-interval, 0s", "taskqueue.worker.progress-interval, -1s",
			"taskqueue.worker.node-expiry, -1s", "taskqueue.worker.node-expiry, 10s", "taskqueue.worker.id, ' '" })
	void whenANodeSettingIsOutOfRangeThenStartupFailsNamingThePropertyAndValue(String property, String value) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo(property))
				.hasMessageContaining("Property " + property + " with value")
				.hasMessageContaining("is invalid");
		});
	}

	@Test
	void theWorkerIdInUseAnalyzerIsRegisteredForBoot() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class,
					ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
						.and(Environment.class, new StandardEnvironment()),
					FailureHandler.handleMessage((message, ex) -> {
						// analyzers of modules not on this classpath
					}));
		assertThat(analyzers).hasAtLeastOneElementOfType(WorkerIdInUseFailureAnalyzer.class);
	}

	private static void enqueueGreetings(TaskQueue queue, int count) {
		queue.enqueueAll(IntStream.range(0, count).mapToObj((i) -> TaskRequest.of("greet", new Greeting("G" + i))).toList());
	}

	private static List<String> statusCounts(DataSource dataSource) {
		return new JdbcTemplate(dataSource).query("SELECT status, COUNT(*) FROM TQ_TASK GROUP BY status ORDER BY status",
				(rs, row) -> rs.getString(1) + "=" + rs.getInt(2));
	}

	private static int nodeCount(DataSource dataSource) {
		Integer count = new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM TQ_NODE", Integer.class);
		return (count != null) ? count : -1;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserApplicationExitConfiguration {

		@Bean
		TaskQueueApplicationExit myExit() {
			return (context, limit) -> {
			};
		}

	}

}

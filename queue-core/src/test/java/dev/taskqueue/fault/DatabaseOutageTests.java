package dev.taskqueue.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.RestartablePostgres;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The database is down for a few seconds: enqueueing fails at once and writes nothing, while
 * a running node rides the outage out, keeps the outcome of the task that finished during it,
 * writes it once the database is back, and logs the outage once, not once per attempt.
 */
class DatabaseOutageTests {

	private static final Log logger = LogFactory.getLog(DatabaseOutageTests.class);

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** How fast enqueueing must fail: the pool gives up on a connection after 2 seconds. */
	private static final Duration FAIL_FAST = Duration.ofSeconds(10);

	/** Long enough that no lease lapses during the outage. */
	private static final Duration HEARTBEAT = Duration.ofSeconds(20);

	private static RestartablePostgres postgres;

	private static DataSource admin;

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final Map<UUID, Integer> runs = new ConcurrentHashMap<>();

	private final CountDownLatch slowStarted = new CountDownLatch(1);

	private final CountDownLatch slowReleased = new CountDownLatch(1);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private JdbcTemplate jdbc;

	private TaskQueueEngine engine;

	@BeforeAll
	static void startServer() {
		postgres = new RestartablePostgres();
		admin = postgres.dataSource("outage-tests-admin");
	}

	@AfterAll
	static void stopServer() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@BeforeEach
	void createSchema() {
		this.jdbc = new JdbcTemplate(admin);
		TestDatabases.createSchema(admin, "postgresql", this.prefix);
	}

	@AfterEach
	void dropSchema() {
		this.slowReleased.countDown();
		// Back first: a node stopping during an outage waits for its outcomes to be written
		if (!postgres.isRunning()) {
			postgres.start();
		}
		try {
			if (this.engine != null) {
				this.engine.stop();
			}
		}
		finally {
			await().atMost(WAIT).ignoreExceptions().until(() -> taskCount() >= 0);
			TestDatabases.dropSchema(admin, "postgresql", this.prefix);
		}
	}

	@Test
	void enqueueWhileTheDatabaseIsDownFailsFastAsUnavailableAndWritesNothing() {
		this.engine = engine(false);
		TaskQueue queue = this.engine.queue();
		queue.enqueue("quick", "before");

		postgres.stop();
		// The pool hands out the connection it used a moment ago without checking it: the
		// insert fails on it, and so does the rollback
		assertUnavailableFast("a pooled connection the server closed",
				() -> queue.enqueue("quick", "on a dead connection"));
		// The pool finds no connection within its connection timeout
		assertUnavailableFast("no connection to be had", () -> queue
			.enqueueAll(List.of(TaskRequest.of("quick", "no connection 1"), TaskRequest.of("quick", "no connection 2"))));

		postgres.start();
		await().atMost(WAIT).ignoreExceptions().until(() -> taskCount() == 1);
		assertThat(this.jdbc.queryForList("SELECT payload FROM " + this.prefix + "TASK", String.class))
			.containsExactly("\"before\"");
		TaskRef after = await().atMost(WAIT).ignoreExceptions().until(() -> queue.enqueue("quick", "after"),
				Objects::nonNull);
		assertThat(queue.find(after.id())).map(TaskState::status).contains(TaskStatus.READY);
	}

	private static void assertUnavailableFast(String description, ThrowingCallable enqueue) {
		long start = System.nanoTime();
		assertThatExceptionOfType(TaskQueueUnavailableException.class).as(description)
			.isThrownBy(enqueue)
			.withMessageContaining("'quick'")
			.withMessageContaining("unreachable");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as(description).isLessThan(FAIL_FAST);
	}

	@Test
	void runningNodeRidesOutAnOutageAndLogsItOnce() {
		// DEBUG shows each failed attempt after the first, which alone is logged at WARN
		try (LogCapture outageLog = LogCapture.of(DatabaseOutage.class.getName(), Level.DEBUG)) {
			this.engine = engine(true);
			TaskQueue queue = this.engine.queue();
			TaskRef slow = queue.enqueue("slow", "across the outage");
			await().atMost(WAIT).until(() -> this.slowStarted.getCount() == 0);

			postgres.stop();
			long outageStart = System.nanoTime();
			// polls, lease renewals and rescues fail from now on; the first failure is logged
			await().atMost(WAIT).until(() -> !outageLog.events(Level.WARN).isEmpty());
			this.slowReleased.countDown();
			await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(this.runs.get(slow.id())));
			// the outcome is kept while it cannot be written, and written again and again
			await().atMost(WAIT).until(() -> failedWritesOfOneOutcome(outageLog) >= 2);
			logger.info("Completions pending during the outage, as the gauge reports them: " + completionsPending());
			postgres.start();
			long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);

			long recoveryStart = System.nanoTime();
			TaskState survivor = await().atMost(WAIT)
				.ignoreExceptions()
				.until(() -> queue.find(slow.id()).orElseThrow(), (state) -> state.status() == TaskStatus.SUCCEEDED);
			long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart);
			logger.info("Outage of " + outageMillis + " ms; the outcome kept meanwhile was written " + recoveryMillis
					+ " ms after the server was back");
			assertThat(survivor.attempts()).isOne();
			assertThat(survivor.errors()).isEmpty();
			assertThat(survivor.result(String.class)).isEqualTo("done: across the outage");

			List<TaskRef> after = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				after.add(queue.enqueue("quick", "after " + i));
			}
			await().atMost(WAIT).until(() -> countWithStatus(TaskStatus.SUCCEEDED) == 1 + after.size());
			assertThat(after).allSatisfy((ref) -> assertThat(this.runs).containsEntry(ref.id(), 1));
			assertThat(this.runs).hasSize(1 + after.size()).allSatisfy((id, count) -> assertThat(count).isOne());
			assertThat(countWithStatus(TaskStatus.RUNNING)).isZero();

			await().atMost(WAIT).until(() -> !outageLog.events(Level.INFO).isEmpty());
			assertThat(outageLog.messages(Level.WARN)).singleElement()
				.asString()
				.startsWith("TaskQueue cannot reach its database");
			assertThat(outageLog.messages(Level.INFO)).singleElement()
				.asString()
				.startsWith("TaskQueue reaches its database again after");
			assertThat(outageLog.messages(Level.DEBUG)).allSatisfy(
					(message) -> assertThat(message).startsWith("Still cannot reach the database: could not "));
			long loggedMillis = Long.parseLong(outageLog.messages(Level.INFO).get(0).replaceAll("\\D+", ""));
			// from the first failure seen to the first success, so less the detection, plus the recovery
			assertThat(loggedMillis).as("outage length logged").isPositive().isLessThan(outageMillis + WAIT.toMillis());
		}
	}

	private static long failedWritesOfOneOutcome(LogCapture outageLog) {
		return outageLog.events()
			.stream()
			.filter((event) -> event.getFormattedMessage().endsWith("could not write task outcomes")
					|| event.getFormattedMessage().contains("(could not write task outcomes)"))
			.count();
	}

	private TaskQueueEngine engine(boolean start) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), new TaskTypeSettings(null, null, null,
				new TaskOptions(null, HEARTBEAT, 0, null, null, null, null), null));
		TaskHandler<String> quick = (payload, context) -> {
			this.runs.merge(context.taskId(), 1, Integer::sum);
			return "done: " + payload;
		};
		TaskHandler<String> slow = (payload, context) -> {
			this.slowStarted.countDown();
			this.slowReleased.await();
			this.runs.merge(context.taskId(), 1, Integer::sum);
			return "done: " + payload;
		};
		registry.register("quick", quick, String.class, TaskTypeSettings.NONE, "quick handler");
		registry.register("slow", slow, String.class, TaskTypeSettings.NONE, "slow handler");
		TaskQueueEngine engine = TaskQueueEngine
			.builder(postgres.dataSource("outage-" + this.prefix.toLowerCase()), registry, JsonMapper.builder().build())
			.tablePrefix(this.prefix)
			.workerEnabled(start)
			.pollInterval(Duration.ofMillis(200))
			.shutdownTimeout(Duration.ofSeconds(5))
			.meterRegistry(this.meters)
			.build();
		engine.start();
		return engine;
	}

	private double completionsPending() {
		return this.meters.get(TaskQueueMetrics.COMPLETIONS_PENDING).gauge().value();
	}

	private int taskCount() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + "TASK", Integer.class);
	}

	private int countWithStatus(TaskStatus status) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE status = ?",
				Integer.class, status.name());
	}

}

package dev.taskqueue.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.RestartablePostgres;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away under a node draining a large backlog, and comes back: a restart of
 * the server, or every connection of the node's pool killed. Every task still succeeds, none
 * succeeds twice, and none is left RUNNING.
 * <p>
 * A claim that committed but whose answer was lost leaves its task RUNNING under a lease
 * nobody renews; it is taken back once the lease lapses and runs once. Leases outlast the
 * outages by far, so no task that runs or waits for its outcome to be written loses its lease.
 */
class DatabaseRestartTests {

	private static final Log logger = LogFactory.getLog(DatabaseRestartTests.class);

	private static final String TYPE = "drain";

	private static final int TASKS = 10_000;

	private static final int ENQUEUE_CHUNK = 1_000;

	/** Long enough that no lease lapses during an outage of a few seconds. */
	private static final Duration HEARTBEAT = Duration.ofSeconds(10);

	/** A lost claim is taken back once its lease lapses, a heartbeat after the claim. */
	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

	private static RestartablePostgres postgres;

	private static DataSource admin;

	private final String prefix = TestDatabases.uniqueTablePrefix();

	/** The application_name of the queue's sessions, and the name of its pool. */
	private final String applicationName = "taskqueue-" + this.prefix.toLowerCase();

	private final Map<UUID, AtomicInteger> succeededRuns = new ConcurrentHashMap<>();

	private final AtomicInteger totalSucceededRuns = new AtomicInteger();

	private JdbcTemplate jdbc;

	private TaskQueueEngine engine;

	@BeforeAll
	static void startServer() {
		postgres = new RestartablePostgres();
		admin = postgres.dataSource("restart-tests-admin");
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
		awaitDatabase();
		TestDatabases.createSchema(admin, "postgresql", this.prefix);
	}

	@AfterEach
	void dropSchema() {
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
			awaitDatabase();
			TestDatabases.dropSchema(admin, "postgresql", this.prefix);
		}
	}

	@Test
	void restartDuringADrainLosesNoTaskAndRunsNoneToSuccessTwice() {
		drain("restart", (succeeded) -> postgres.restart(), 2_000);
	}

	@Test
	void killingEveryConnectionOfThePoolDuringADrainLosesNoTaskAndRunsNoneToSuccessTwice() {
		drain("pg_terminate_backend", (succeeded) -> {
			int terminated = this.jdbc.queryForObject("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
					+ "WHERE application_name = ? AND pid <> pg_backend_pid()", Integer.class, this.applicationName);
			logger.info("Terminated " + terminated + " sessions of the queue's pool after " + succeeded
					+ " tasks succeeded");
			assertThat(terminated).as("sessions of the queue's pool").isPositive();
		}, 1_500, 3_500, 5_500, 7_500);
	}

	/**
	 * Enqueue the tasks, start a node that drains them, and do harm once each given number
	 * of tasks has succeeded.
	 */
	private void drain(String harm, IntConsumer harmer, int... harmAfter) {
		DataSource dataSource = postgres.dataSource(this.applicationName);
		this.engine = engine(dataSource);
		List<TaskRequest> requests = new ArrayList<>(TASKS);
		for (int i = 0; i < TASKS; i++) {
			requests.add(TaskRequest.of(TYPE, i));
		}
		for (int start = 0; start < TASKS; start += ENQUEUE_CHUNK) {
			this.engine.queue().enqueueAll(requests.subList(start, start + ENQUEUE_CHUNK));
		}
		assertThat(countWithStatus(TaskStatus.READY)).isEqualTo(TASKS);

		long start = System.nanoTime();
		this.engine.start();
		for (int threshold : harmAfter) {
			await().atMost(DRAIN_TIMEOUT)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> this.totalSucceededRuns.get() >= threshold);
			harmer.accept(threshold);
		}
		await().atMost(DRAIN_TIMEOUT)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> countWithStatus(TaskStatus.SUCCEEDED) == TASKS);
		long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		assertThat(countWithStatus(TaskStatus.RUNNING)).isZero();
		assertThat(this.succeededRuns).hasSize(TASKS);
		assertThat(this.succeededRuns).allSatisfy((id, runs) -> assertThat(runs.get())
			.as("successful runs of task %s", id)
			.isOne());
		int rescued = this.jdbc.queryForObject("SELECT COUNT(DISTINCT task_id) FROM " + this.prefix + "TASK_ERROR",
				Integer.class);
		int retried = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE attempts > 1", Integer.class);
		logger.info("Drained " + TASKS + " tasks across " + harm + " in " + drainMillis + " ms; " + rescued
				+ " tasks were taken back after their lease lapsed, " + retried + " ran more than once");
		assertThat(this.jdbc.queryForList("SELECT DISTINCT message FROM " + this.prefix + "TASK_ERROR", String.class))
			.allSatisfy((message) -> assertThat(message).startsWith("lease expired"));
	}

	private TaskQueueEngine engine(DataSource dataSource) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), new TaskTypeSettings(null, null, null,
				new TaskOptions(null, HEARTBEAT, 3, Duration.ofMillis(100), 1.0, Duration.ofMillis(100), 0.0), null));
		TaskHandler<Integer> handler = (payload, context) -> {
			this.succeededRuns.computeIfAbsent(context.taskId(), (id) -> new AtomicInteger()).incrementAndGet();
			this.totalSucceededRuns.incrementAndGet();
			return payload;
		};
		registry.register(TYPE, handler, Integer.class, TaskTypeSettings.NONE, "drain handler");
		return TaskQueueEngine.builder(dataSource, registry, JsonMapper.builder().build())
			.tablePrefix(this.prefix)
			.workerId(this.applicationName)
			.concurrency(16)
			.pollInterval(Duration.ofMillis(200))
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
	}

	private int countWithStatus(TaskStatus status) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE status = ?",
				Integer.class, status.name());
	}

	private void awaitDatabase() {
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> this.jdbc.queryForObject("SELECT 1", Integer.class) == 1);
	}

}

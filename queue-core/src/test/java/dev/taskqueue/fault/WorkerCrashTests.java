package dev.taskqueue.fault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskError;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.testsupport.ChildJvm;
import dev.taskqueue.testsupport.JdbcConnectionDetails;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker process dies without warning (SIGKILL) while it runs a task: the task's lease
 * lapses, another node takes it back, counts the attempt as failed with "lease expired" (and
 * as rescued in its meters) and runs it again.
 */
class WorkerCrashTests {

	private static final String TYPE = "crash-test";

	/** Short, so that the killed worker's lease lapses soon. */
	private static final Duration HEARTBEAT = Duration.ofSeconds(2);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final DataSource dataSource = TestDatabases.postgres();

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final List<Integer> attemptsRunHere = new CopyOnWriteArrayList<>();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** Enqueues and looks tasks up, but runs none. */
	private TaskQueueEngine enqueuer;

	private TaskQueueEngine engine;

	private ChildJvm child;

	@BeforeEach
	void createSchema() {
		TestDatabases.createSchema(this.dataSource, "postgresql", this.prefix);
		this.enqueuer = engine(false, "test-enqueuer");
	}

	@AfterEach
	void cleanUp() {
		try {
			if (this.child != null) {
				this.child.close();
			}
			if (this.engine != null) {
				this.engine.stop();
			}
			this.enqueuer.stop();
		}
		finally {
			TestDatabases.dropSchema(this.dataSource, "postgresql", this.prefix);
		}
	}

	@Test
	void taskOfAKilledWorkerIsTakenBackAfterItsLeaseLapsesAndRunsAgainElsewhere() {
		TaskRef ref = this.enqueuer.queue()
			.enqueue(TaskRequest.builder(TYPE)
				.payload("survives a crash")
				.retries(1)
				.retryDelay(Duration.ofMillis(100), 1.0, Duration.ofMillis(100))
				.build());

		String childWorkerId = "doomed-worker-" + UUID.randomUUID().toString().substring(0, 8);
		this.child = ChildJvm.start(BlockingWorker.class, List.of(this.prefix, childWorkerId),
				JdbcConnectionDetails.of(this.dataSource).environment());
		this.child.awaitLine(("STARTED " + ref.id())::equals, STARTUP_TIMEOUT);
		TaskState running = taskState(ref.id());
		assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(running.worker()).isEqualTo(childWorkerId);
		assertThat(running.attempts()).isOne();
		// A claim leases a task for the shortest heartbeat of its queue's types, here its own
		await().atMost(WAIT).until(() -> secondsOfLeaseLeft(ref.id()) <= HEARTBEAT.toSeconds());

		this.child.kill();
		assertThat(this.child.awaitExit(Duration.ZERO)).as("128 + SIGKILL (9)").isEqualTo(137);
		assertThat(taskState(ref.id()).status()).as("a killed worker leaves its task RUNNING")
			.isEqualTo(TaskStatus.RUNNING);

		this.engine = engine(true, "test-rescuer");
		await().atMost(WAIT).until(() -> taskState(ref.id()).status() == TaskStatus.SUCCEEDED);

		TaskState state = taskState(ref.id());
		assertThat(state.attempts()).isEqualTo(2);
		assertThat(state.result(String.class)).isEqualTo("done: survives a crash");
		assertThat(state.worker()).as("the node that ran the last attempt").isEqualTo("test-rescuer");
		assertThat(state.errors()).singleElement().satisfies((error) -> {
			assertThat(error.attempt()).isOne();
			assertThat(error.message()).contains("lease expired");
		});
		assertThat(state.errors()).extracting(TaskError::failedAt).allSatisfy((failedAt) -> assertThat(failedAt)
			.isAfterOrEqualTo(running.startedAt().plus(HEARTBEAT)));
		assertThat(this.attemptsRunHere).containsExactly(2);
		assertThat(this.child.lines()).filteredOn((line) -> line.startsWith("STARTED ")).hasSize(1);
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE status = 'RUNNING'",
				Integer.class)).isZero();
	}

	@Test
	void taskOfAWorkerThatDiedRightAfterTheClaimIsTakenBackWithinItsTypesHeartbeat() {
		TaskRef ref = this.enqueuer.queue()
			.enqueue(TaskRequest.builder(TYPE)
				.payload("outlives its worker")
				.retries(1)
				.retryDelay(Duration.ofMillis(100), 1.0, Duration.ofMillis(100))
				.build());
		String childWorkerId = "short-lived-worker-" + UUID.randomUUID().toString().substring(0, 8);
		this.child = ChildJvm.start(BlockingWorker.class, List.of(this.prefix, childWorkerId, "halt"),
				JdbcConnectionDetails.of(this.dataSource).environment());
		this.child.awaitLine(("STARTED " + ref.id())::equals, STARTUP_TIMEOUT);
		// Halted a moment after the claim, long before the first renewal a third of a heartbeat in
		assertThat(this.child.awaitExit(STARTUP_TIMEOUT)).isEqualTo(137);
		assertThat(taskState(ref.id()).status()).isEqualTo(TaskStatus.RUNNING);

		this.engine = engine(true, "test-rescuer");
		// The default heartbeat, which the claim's lease used to be, is 30 seconds
		await().atMost(HEARTBEAT.multipliedBy(4)).until(() -> taskState(ref.id()).status() == TaskStatus.SUCCEEDED);
		TaskState state = taskState(ref.id());
		assertThat(state.attempts()).isEqualTo(2);
		assertThat(state.errors()).singleElement()
			.satisfies((error) -> assertThat(error.message()).contains("lease expired"));
		assertThat(this.attemptsRunHere).containsExactly(2);
		// The dead node's attempt counts once, as rescued by the node that took it back
		await().atMost(WAIT).until(() -> finished(TaskQueueMetrics.SUCCEEDED) == 1);
		assertThat(finished(TaskQueueMetrics.RESCUED)).isEqualTo(1);
		assertThat(this.meters.get(TaskQueueMetrics.TASKS_FINISHED).counters()).hasSize(2);
	}

	private double finished(String outcome) {
		Counter counter = this.meters.find(TaskQueueMetrics.TASKS_FINISHED)
			.tags("type", TYPE, "queue", "default", "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private TaskQueueEngine engine(boolean workerEnabled, String workerId) {
		TaskTypeRegistry registry = registry((payload, context) -> {
			this.attemptsRunHere.add(context.attempt());
			return "done: " + payload;
		});
		TaskQueueEngine engine = TaskQueueEngine.builder(this.dataSource, registry, JsonMapper.builder().build())
			.tablePrefix(this.prefix)
			.workerEnabled(workerEnabled)
			.workerId(workerId)
			.pollInterval(Duration.ofMillis(200))
			.shutdownTimeout(Duration.ofSeconds(5))
			.meterRegistry(this.meters)
			.build();
		engine.start();
		return engine;
	}

	private static TaskTypeRegistry registry(TaskHandler<String> handler) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		registry.register(TYPE, handler, String.class, new TaskTypeSettings(null, null, null,
				new TaskOptions(null, HEARTBEAT, null, null, null, null, null), null), "crash test handler");
		return registry;
	}

	private TaskState taskState(UUID id) {
		return this.enqueuer.queue().find(id).orElseThrow();
	}

	private long secondsOfLeaseLeft(UUID id) {
		return this.jdbc.queryForObject("SELECT CEIL(EXTRACT(EPOCH FROM lease_until - now())) FROM " + this.prefix
				+ "TASK WHERE id = ?", Long.class, id);
	}

	/**
	 * A worker node in a JVM of its own: runs tasks of the test's type on the database and
	 * table prefix it is given, announces each task it starts with a {@code STARTED <id>}
	 * line, and then blocks until it is killed, or with a third argument {@code halt} halts at
	 * once, as a node that dies right after its claim. Arguments: the table prefix, the worker
	 * id and optionally {@code halt}; the database comes from
	 * {@link JdbcConnectionDetails#fromEnvironment()}.
	 */
	static final class BlockingWorker {

		/** How long the child lives at most, should the test fail to kill it. */
		private static final Duration MAX_LIFETIME = Duration.ofMinutes(3);

		public static void main(String[] args) throws Exception {
			ChildJvm.exitWhenOrphaned();
			String prefix = args[0];
			String workerId = args[1];
			boolean halt = args.length > 2 && "halt".equals(args[2]);
			HikariDataSource dataSource = JdbcConnectionDetails.fromEnvironment().pool("crash-test-child", 5);
			TaskTypeRegistry registry = registry((payload, context) -> {
				System.out.println("STARTED " + context.taskId());
				System.out.flush();
				if (halt) {
					// 128 + SIGKILL, like a node killed without warning
					Runtime.getRuntime().halt(137);
				}
				Thread.sleep(MAX_LIFETIME.toMillis());
				return "the killed worker never gets here";
			});
			TaskQueueEngine engine = TaskQueueEngine.builder(dataSource, registry, JsonMapper.builder().build())
				.tablePrefix(prefix)
				.workerId(workerId)
				.pollInterval(Duration.ofMillis(200))
				.build();
			engine.start();
			System.out.println("READY " + workerId);
			Thread.sleep(MAX_LIFETIME.toMillis());
			System.exit(1);
		}

	}

}

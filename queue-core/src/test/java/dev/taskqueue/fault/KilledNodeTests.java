package dev.taskqueue.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.WorkerIdInUseException;
import dev.taskqueue.testsupport.ChildJvm;
import dev.taskqueue.testsupport.JdbcConnectionDetails;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A node holding a stable worker id dies without warning (SIGKILL): while its heartbeat holds,
 * another node with its id refuses to start, naming it; once its heartbeat has lapsed, the id
 * is taken over.
 */
class KilledNodeTests {

	private static final String WORKER_ID = "stable-worker";

	private static final Duration HEARTBEAT = Duration.ofMillis(200);

	private static final Duration EXPIRY = Duration.ofSeconds(2);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private final DataSource dataSource = TestDatabases.postgres();

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final List<TaskQueueEngine> engines = new ArrayList<>();

	private ChildJvm child;

	@BeforeEach
	void createSchema() {
		TestDatabases.createSchema(this.dataSource, "postgresql", this.prefix);
	}

	@AfterEach
	void cleanUp() {
		try {
			if (this.child != null) {
				this.child.close();
			}
			this.engines.forEach(TaskQueueEngine::stop);
		}
		finally {
			TestDatabases.dropSchema(this.dataSource, "postgresql", this.prefix);
		}
	}

	@Test
	void theIdOfAKilledNodeIsRefusedWhileItsHeartbeatHoldsAndTakenOverOnceItLapsed() {
		this.child = ChildJvm.start(IdleNode.class, List.of(this.prefix, WORKER_ID),
				JdbcConnectionDetails.of(this.dataSource).environment());
		this.child.awaitLine(("READY " + WORKER_ID)::equals, STARTUP_TIMEOUT);
		TaskQueueEngine enqueuer = start(engine(false));
		assertThat(enqueuer.nodes()).singleElement().returns(this.child.pid(), NodeInfo::pid);
		assertThatExceptionOfType(WorkerIdInUseException.class).isThrownBy(() -> engine(true).start())
			.withMessageContaining("Worker id '" + WORKER_ID + "' is in use by a live node")
			.withMessageContaining("pid " + this.child.pid());

		this.child.kill();
		assertThat(this.child.awaitExit(Duration.ZERO)).as("128 + SIGKILL (9)").isEqualTo(137);
		Instant lastHeartbeat = enqueuer.nodes().get(0).lastHeartbeat();
		TaskQueueEngine heir = await().atMost(EXPIRY.multipliedBy(10))
			.ignoreException(WorkerIdInUseException.class)
			.until(() -> start(engine(true)), Objects::nonNull);

		NodeInfo node = enqueuer.nodes().get(0);
		assertThat(node.id()).isEqualTo(WORKER_ID);
		assertThat(node.pid()).isEqualTo(ProcessHandle.current().pid());
		assertThat(node.startedAt()).isAfterOrEqualTo(lastHeartbeat.plus(EXPIRY));
		assertThat(heir.isRunning()).isTrue();
	}

	private TaskQueueEngine start(TaskQueueEngine engine) {
		engine.start();
		this.engines.add(engine);
		return engine;
	}

	private TaskQueueEngine engine(boolean workerEnabled) {
		return builder(this.dataSource, this.prefix).workerEnabled(workerEnabled).build();
	}

	private static TaskQueueEngine.Builder builder(DataSource dataSource, String prefix) {
		return TaskQueueEngine
			.builder(dataSource, new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE), JsonMapper.builder().build())
			.tablePrefix(prefix)
			.workerId(WORKER_ID)
			.nodeHeartbeatInterval(HEARTBEAT)
			.nodeExpiry(EXPIRY)
			.pollInterval(Duration.ofMillis(200));
	}

	/**
	 * A node in a JVM of its own that runs workers under the given worker id, says
	 * {@code READY <id>} once registered, and idles until it is killed. Arguments: the table
	 * prefix and the worker id; the database comes from
	 * {@link JdbcConnectionDetails#fromEnvironment()}.
	 */
	static final class IdleNode {

		/** How long the child lives at most, should the test fail to kill it. */
		private static final Duration MAX_LIFETIME = Duration.ofMinutes(3);

		public static void main(String[] args) throws Exception {
			ChildJvm.exitWhenOrphaned();
			HikariDataSource dataSource = JdbcConnectionDetails.fromEnvironment().pool("killed-node-child", 3);
			builder(dataSource, args[0]).workerId(args[1]).build().start();
			System.out.println("READY " + args[1]);
			System.out.flush();
			Thread.sleep(MAX_LIFETIME.toMillis());
			System.exit(1);
		}

	}

}

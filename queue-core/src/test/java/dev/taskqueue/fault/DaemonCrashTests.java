package dev.taskqueue.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.daemon.DaemonHandler;
import dev.taskqueue.daemon.DaemonState;
import dev.taskqueue.daemon.DaemonStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.ChildJvm;
import dev.taskqueue.testsupport.JdbcConnectionDetails;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node process holding a daemon dies without warning (SIGKILL): its lease lapses, and a node
 * in another process takes the daemon over, never before the lease it last renewed ran out.
 */
class DaemonCrashTests {

	private static final String NAME = "crash-watcher";

	/** Short, so that the killed node's lease lapses soon. */
	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration POLL = Duration.ofMillis(200);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private final DataSource dataSource = TestDatabases.postgres();

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final Set<String> runningHere = ConcurrentHashMap.newKeySet();

	private TaskQueueEngine survivor;

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
			if (this.survivor != null) {
				this.survivor.stop();
			}
		}
		finally {
			TestDatabases.dropSchema(this.dataSource, "postgresql", this.prefix);
		}
	}

	@Test
	void daemonOfAKilledNodeProcessIsTakenOverByAnotherOnceItsLeaseLapses() {
		this.child = ChildJvm.start(DaemonNode.class, List.of(this.prefix, "doomed-node"),
				JdbcConnectionDetails.of(this.dataSource).environment());
		this.child.awaitLine("DAEMON RUNNING doomed-node"::equals, STARTUP_TIMEOUT);
		this.survivor = engine(this.dataSource, this.prefix, "survivor", (context) -> {
			this.runningHere.add(context.nodeId());
			try {
				context.awaitStop(Duration.ofMinutes(3));
			}
			finally {
				this.runningHere.remove(context.nodeId());
			}
		});
		this.survivor.start();
		await().during(LEASE).atMost(LEASE.multipliedBy(2)).until(this.runningHere::isEmpty);
		assertThat(state().node()).isEqualTo("doomed-node");

		Instant leaseUntil = state().leaseUntil();
		this.child.kill();
		assertThat(this.child.awaitExit(Duration.ZERO)).as("128 + SIGKILL (9)").isEqualTo(137);

		await().atMost(LEASE.multipliedBy(3)).until(() -> this.runningHere.contains("survivor"));
		DaemonState taken = state();
		assertThat(taken.status()).isEqualTo(DaemonStatus.RUNNING);
		assertThat(taken.node()).isEqualTo("survivor");
		assertThat(taken.startedAt()).as("taken only once the killed node's lease lapsed")
			.isAfterOrEqualTo(leaseUntil);
		assertThat(this.child.lines()).filteredOn((line) -> line.startsWith("DAEMON RUNNING")).hasSize(1);
	}

	private DaemonState state() {
		return this.survivor.daemons().find(NAME).orElseThrow();
	}

	private static TaskQueueEngine engine(DataSource dataSource, String prefix, String nodeId, DaemonHandler daemon) {
		return TaskQueueEngine
			.builder(dataSource, new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE), JsonMapper.builder().build())
			.tablePrefix(prefix)
			.workerId(nodeId)
			.shutdownTimeout(Duration.ofSeconds(5))
			.daemon(NAME, daemon)
			.daemonLease(LEASE)
			.daemonPollInterval(POLL)
			.build();
	}

	/**
	 * A node in a JVM of its own that runs the test's daemon on the database and table prefix
	 * it is given, announces it with a {@code DAEMON RUNNING <node>} line, and blocks until it
	 * is killed. Arguments: the table prefix and the node id; the database comes from
	 * {@link JdbcConnectionDetails#fromEnvironment()}.
	 */
	static final class DaemonNode {

		/** How long the child lives at most, should the test fail to kill it. */
		private static final Duration MAX_LIFETIME = Duration.ofMinutes(3);

		public static void main(String[] args) throws Exception {
			ChildJvm.exitWhenOrphaned();
			HikariDataSource dataSource = JdbcConnectionDetails.fromEnvironment().pool("daemon-crash-child", 5);
			TaskQueueEngine engine = engine(dataSource, args[0], args[1], (context) -> {
				System.out.println("DAEMON RUNNING " + context.nodeId());
				System.out.flush();
				context.awaitStop(MAX_LIFETIME);
			});
			engine.start();
			Thread.sleep(MAX_LIFETIME.toMillis());
			System.exit(1);
		}

	}

}

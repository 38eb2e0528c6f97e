package dev.taskqueue.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.TestNodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Daemons on several nodes of one database: each runs on exactly one node at a time, moves to
 * another node when its node dies or stops, is restarted with backoff when it ends, and obeys
 * stop, start and restart from any node within a poll. Each database's subclass supplies a
 * DataSource.
 */
abstract class DaemonContractTests {

	private static final String NAME = "watcher";

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration POLL = Duration.ofMillis(200);

	/** How long a change may take to be seen: a poll, and a margin for a busy machine. */
	private static final Duration WITHIN_A_POLL = POLL.plusSeconds(2);

	private TestNodes nodes;

	private final List<TaskQueueEngine> ownEngines = new ArrayList<>();

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
	}

	@AfterEach
	void dropNodes() {
		this.ownEngines.forEach(TaskQueueEngine::stop);
		this.nodes.close();
	}

	@Test
	void daemonRunsOnExactlyOneOfThreeNodes() {
		DaemonProbe probe = new DaemonProbe();
		List<TaskQueueEngine> engines = List.of(start("node-1", probe), start("node-2", probe), start("node-3", probe));

		await().atMost(TestNodes.WAIT).until(() -> probe.runningOn().size() == 1);
		String holder = probe.runningOn().iterator().next();
		// Several leases' worth of polls and renewals: no second node takes it
		await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3))
			.until(() -> probe.runningOn().equals(Set.of(holder)));
		assertThat(probe.mostAtOnce()).isOne();
		assertThat(probe.invocations()).hasSize(1);
		for (TaskQueueEngine engine : engines) {
			assertThat(engine.daemons().list()).singleElement().satisfies((state) -> {
				assertThat(state.name()).isEqualTo(NAME);
				assertThat(state.status()).isEqualTo(DaemonStatus.RUNNING);
				assertThat(state.node()).isEqualTo(holder);
				assertThat(state.lastHeartbeat()).isNotNull();
				assertThat(state.restarts()).isZero();
				assertThat(state.lastError()).isNull();
			});
		}
	}

	@Test
	void daemonOfAKilledNodeIsTakenOverOnceItsLeaseLapses() {
		DaemonProbe probe = new DaemonProbe();
		CuttableDataSource doomedDatabase = new CuttableDataSource(this.nodes.dataSource());
		TaskQueueEngine doomed = TaskQueueEngine.builder(doomedDatabase, this.nodes.registry(), JsonMapper.builder().build())
			.tablePrefix(this.nodes.prefix())
			.workerId("doomed")
			.shutdownTimeout(Duration.ofSeconds(2))
			.daemon(NAME, probe)
			.daemonLease(LEASE)
			.daemonPollInterval(POLL)
			.build();
		doomed.start();
		this.ownEngines.add(doomed);
		await().atMost(TestNodes.WAIT).until(() -> probe.runningOn().contains("doomed"));
		TaskQueueEngine survivor = start("survivor", probe);

		// Its threads go on, but nothing it does reaches the database: it can neither renew
		// nor release the lease
		long killed = System.nanoTime();
		doomedDatabase.cut();

		await().atMost(LEASE.multipliedBy(3)).until(() -> probe.runningOn().contains("survivor"));
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("the lease lapsed first")
			.isGreaterThanOrEqualTo(LEASE.minus(POLL));
		assertThat(probe.mostAtOnce()).as("never on two nodes at once").isOne();
		assertThat(probe.runningOn()).containsExactly("survivor");
		assertThat(survivor.daemons().find(NAME)).hasValueSatisfying((state) -> {
			assertThat(state.status()).isEqualTo(DaemonStatus.RUNNING);
			assertThat(state.node()).isEqualTo("survivor");
		});
	}

	@Test
	void daemonOfANodeThatStopsIsTakenOverAtOnce() {
		Duration longLease = Duration.ofSeconds(30);
		DaemonProbe probe = new DaemonProbe();
		TaskQueueEngine first = start("first", probe, (builder) -> builder.daemonLease(longLease));
		await().atMost(TestNodes.WAIT).until(() -> probe.runningOn().contains("first"));
		start("second", probe, (builder) -> builder.daemonLease(longLease));

		long stopped = System.nanoTime();
		first.stop();

		assertThat(probe.runningOn()).as("stopped before its node stopped").doesNotContain("first");
		await().atMost(WITHIN_A_POLL).until(() -> probe.runningOn().contains("second"));
		assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(longLease);
		assertThat(probe.mostAtOnce()).isOne();
	}

	@Test
	void daemonThatThrowsOrReturnsIsRestartedWithBackoffAndItsLastErrorIsRecorded() {
		DaemonProbe probe = new DaemonProbe(2, true);
		Duration minDelay = Duration.ofMillis(300);
		TaskQueueEngine engine = start("node-1", probe,
				(builder) -> builder.daemonRestartDelay(minDelay, Duration.ofSeconds(5)));

		await().atMost(TestNodes.WAIT).until(() -> probe.runningOn().contains("node-1"));
		List<DaemonProbe.Invocation> invocations = probe.invocations();
		assertThat(invocations).hasSize(4);
		// Backoff doubles after each crash in a row: 300 ms, 600 ms, 1200 ms
		assertThat(gap(invocations, 0)).isGreaterThanOrEqualTo(minDelay);
		assertThat(gap(invocations, 1)).isGreaterThanOrEqualTo(minDelay.multipliedBy(2));
		assertThat(gap(invocations, 2)).isGreaterThanOrEqualTo(minDelay.multipliedBy(4));
		await().atMost(WITHIN_A_POLL).untilAsserted(() -> assertThat(engine.daemons().find(NAME))
			.hasValueSatisfying((state) -> {
				assertThat(state.status()).isEqualTo(DaemonStatus.RUNNING);
				assertThat(state.restarts()).isEqualTo(3);
				// The return that followed kept the error it had
				assertThat(state.lastError()).isEqualTo("java.lang.IllegalStateException: boom 2");
			}));
	}

	@Test
	void daemonWaitingToRestartIsShownBackingOff() {
		DaemonProbe probe = new DaemonProbe(1, false);
		TaskQueueEngine engine = start("node-1", probe,
				(builder) -> builder.daemonRestartDelay(Duration.ofSeconds(30), Duration.ofSeconds(30)));

		await().atMost(TestNodes.WAIT).untilAsserted(() -> assertThat(engine.daemons().find(NAME))
			.hasValueSatisfying((state) -> {
				assertThat(state.status()).isEqualTo(DaemonStatus.BACKING_OFF);
				assertThat(state.node()).isEqualTo("node-1");
				assertThat(state.lastError()).isEqualTo("java.lang.IllegalStateException: boom 1");
				assertThat(state.restarts()).isOne();
			}));
		assertThat(probe.invocations()).hasSize(1);
	}

	@Test
	void stopStartAndRestartFromAnotherNodeAreSeenWithinAPoll() {
		DaemonProbe probe = new DaemonProbe();
		start("node-1", probe);
		start("node-2", probe);
		TaskDaemons operator = enqueueOnlyNode().daemons();
		await().atMost(TestNodes.WAIT).until(() -> probe.runningOn().size() == 1);

		operator.stop(NAME);
		await().atMost(WITHIN_A_POLL).until(() -> probe.runningOn().isEmpty());
		await().atMost(WITHIN_A_POLL)
			.until(() -> operator.find(NAME).orElseThrow().status() == DaemonStatus.STOPPED);
		await().during(POLL.multipliedBy(5)).until(() -> probe.runningOn().isEmpty());
		assertThat(operator.find(NAME).orElseThrow().node()).isNull();

		operator.start(NAME);
		await().atMost(WITHIN_A_POLL).until(() -> probe.runningOn().size() == 1);
		assertThat(probe.invocations()).hasSize(2);

		operator.restart(NAME);
		await().atMost(WITHIN_A_POLL.multipliedBy(2)).until(() -> probe.invocations().size() == 3
				&& probe.runningOn().size() == 1);
		assertThat(probe.mostAtOnce()).isOne();
		assertThat(operator.find(NAME)).hasValueSatisfying((state) -> {
			assertThat(state.status()).isEqualTo(DaemonStatus.RUNNING);
			assertThat(state.restarts()).as("only crashes count").isZero();
		});
	}

	@Test
	void daemonThatDoesNotStartOnItsOwnWaitsForAStart() {
		DaemonProbe probe = new DaemonProbe();
		TaskQueueEngine engine = this.nodes.start((builder) -> builder.workerId("node-1")
			.daemon(NAME, probe, false)
			.daemonLease(LEASE)
			.daemonPollInterval(POLL));

		assertThat(engine.daemons().find(NAME)).hasValueSatisfying(
				(state) -> assertThat(state.status()).isEqualTo(DaemonStatus.STOPPED));
		await().during(POLL.multipliedBy(5)).until(() -> probe.invocations().isEmpty());

		engine.daemons().start(NAME);
		await().atMost(WITHIN_A_POLL).until(() -> probe.runningOn().contains("node-1"));
	}

	@Test
	void controlOfAnUnknownDaemonFailsNamingIt() {
		TaskDaemons daemons = enqueueOnlyNode().daemons();
		assertThat(daemons.list()).isEmpty();
		assertThat(daemons.find("nope")).isEmpty();
		assertThatExceptionOfType(DaemonNotFoundException.class).isThrownBy(() -> daemons.stop("nope"))
			.withMessage("Daemon 'nope' not found");
		assertThatExceptionOfType(DaemonNotFoundException.class).isThrownBy(() -> daemons.start("nope"));
		assertThatExceptionOfType(DaemonNotFoundException.class).isThrownBy(() -> daemons.restart("nope"));
	}

	private TaskQueueEngine start(String node, DaemonHandler handler) {
		return start(node, handler, (builder) -> {
		});
	}

	private TaskQueueEngine start(String node, DaemonHandler handler, Consumer<TaskQueueEngine.Builder> customizer) {
		return this.nodes.start((builder) -> {
			builder.workerId(node).daemon(NAME, handler).daemonLease(LEASE).daemonPollInterval(POLL);
			customizer.accept(builder);
		});
	}

	private TaskQueueEngine enqueueOnlyNode() {
		return this.nodes.start((builder) -> builder.workerEnabled(false));
	}

	private static Duration gap(List<DaemonProbe.Invocation> invocations, int index) {
		return Duration.ofNanos(invocations.get(index + 1).nanos() - invocations.get(index).nanos());
	}

}

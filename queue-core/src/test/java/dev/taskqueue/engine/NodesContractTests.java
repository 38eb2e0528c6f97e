package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.RunLimit;
import dev.taskqueue.node.WorkerIdInUseException;
import dev.taskqueue.retention.RetentionPolicy;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.store.jdbc.DatabaseClock;
import dev.taskqueue.store.jdbc.JdbcNodeStore;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The registry of nodes and the run limits on every supported database: nodes running
 * workers are listed with their heartbeat, a clean stop unlists a node, a dead one expires
 * and is deleted, a worker id is held by one live node at a time and reused once its holder's
 * heartbeat has lapsed; a node that reaches a run limit claims nothing more, finishes its
 * tasks and tells its listener. Each database's subclass supplies a DataSource.
 */
abstract class NodesContractTests {

	private static final Duration HEARTBEAT = Duration.ofMillis(100);

	/** Long enough that a live node under a loaded machine never lapses. */
	private static final Duration EXPIRY = Duration.ofSeconds(5);

	private TestNodes nodes;

	private JdbcNodeStore store;

	private DatabaseClock clock;

	private final CountDownLatch release = new CountDownLatch(1);

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		this.nodes.register("wait", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return payload;
		});
		this.store = new JdbcNodeStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix());
		this.clock = new DatabaseClock(this.nodes.dataSource(), this.nodes.dialect(), Clock.systemUTC());
		this.clock.refresh();
	}

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void aNodeRunningWorkersIsListedWithItsHostQueuesAndHeartbeatAndANodeThatOnlyEnqueuesIsNot() {
		Instant before = this.clock.instant();
		start("node-a", (builder) -> builder.queue("mail", 2).queue("default", 3));
		TaskQueueEngine enqueuer = this.nodes.start((builder) -> builder.workerEnabled(false));
		List<NodeInfo> listed = enqueuer.nodes();
		assertThat(listed).singleElement().satisfies((node) -> {
			assertThat(node.id()).isEqualTo("node-a");
			assertThat(node.host()).isEqualTo(NodeRegistration.hostName());
			assertThat(node.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(node.lanes()).containsExactly(new NodeInfo.Lane(List.of("mail"), 2),
					new NodeInfo.Lane(List.of("default"), 3));
			assertThat(node.concurrency()).isEqualTo(5);
			assertThat(node.heartbeatInterval()).isEqualTo(HEARTBEAT);
			assertThat(node.startedAt()).isAfterOrEqualTo(before.minusMillis(50)).isBeforeOrEqualTo(node.lastHeartbeat());
			assertThat(node.expiresAt()).isEqualTo(node.lastHeartbeat().plus(EXPIRY));
		});
		Instant firstHeartbeat = listed.get(0).lastHeartbeat();
		await().atMost(WAIT).until(() -> enqueuer.nodes().get(0).lastHeartbeat().isAfter(firstHeartbeat));
	}

	@Test
	void theHeartbeatRecordsHowManyTasksTheNodeRuns() {
		TaskQueue queue = start("busy", (builder) -> builder.concurrency(3)).queue();
		queue.enqueue("wait", "a");
		queue.enqueue("wait", "b");
		await().atMost(WAIT).until(() -> node("busy").tasksRunning() == 2);
		this.release.countDown();
		await().atMost(WAIT).until(() -> node("busy").tasksRunning() == 0);
	}

	@Test
	void aCleanStopDeletesTheNodesRow() {
		TaskQueueEngine engine = start("leaving", (builder) -> {
		});
		assertThat(this.store.find("leaving")).isPresent();
		engine.stop();
		assertThat(this.store.find("leaving")).isEmpty();
	}

	@Test
	void aDeadNodeIsListedUntilItsHeartbeatLapsesThenAnyNodeDeletesIt() {
		TaskQueueEngine live = start("live", (builder) -> {
		});
		registerDeadNode("ghost", Duration.ofSeconds(2));
		assertThat(live.nodes()).extracting(NodeInfo::id).containsExactly("ghost", "live");
		await().atMost(WAIT).until(() -> this.store.find("ghost").isEmpty());
		assertThat(live.nodes()).extracting(NodeInfo::id).containsExactly("live");
	}

	@Test
	void aSecondLiveNodeWithTheSameIdRefusesToStartNamingTheIdAndTheOtherNode() {
		start("worker-1", (builder) -> {
		});
		NodeInfo first = node("worker-1");
		assertThatExceptionOfType(WorkerIdInUseException.class).isThrownBy(() -> start("worker-1", (builder) -> {
		}))
			.satisfies((ex) -> assertThat(ex.getHolder()).returns(first.pid(), NodeInfo::pid)
				.returns(first.startedAt(), NodeInfo::startedAt))
			.withMessageContaining("Worker id 'worker-1' is in use by a live node")
			.withMessageContaining("host " + first.host())
			.withMessageContaining("pid " + first.pid())
			.withMessageContaining("started at " + first.startedAt())
			.withMessageContaining("last heartbeat")
			.withMessageContaining("taskqueue.worker.id");
		assertThat(node("worker-1").startedAt()).isEqualTo(first.startedAt());
	}

	@Test
	void theIdOfANodeThatDiedIsRefusedWhileItsHeartbeatHoldsThenReused() {
		registerDeadNode("worker-2", Duration.ofSeconds(2));
		assertThatExceptionOfType(WorkerIdInUseException.class).isThrownBy(() -> start("worker-2", (builder) -> {
		})).withMessageContaining("Worker id 'worker-2' is in use by a live node: host dead-host, pid 4242");
		TaskQueueEngine engine = await().atMost(WAIT)
			.ignoreException(WorkerIdInUseException.class)
			.until(() -> start("worker-2", (builder) -> {
			}), Objects::nonNull);
		NodeInfo node = node("worker-2");
		assertThat(node.host()).isEqualTo(NodeRegistration.hostName());
		assertThat(node.pid()).isEqualTo(ProcessHandle.current().pid());
		TaskQueue queue = engine.queue();
		TestNodes.awaitStatus(queue, queue.enqueue("echo", "x").id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void nodesStartingAtOnceWithOneIdStartOneOfThem() {
		List<CompletableFuture<TaskQueueEngine>> starts = IntStream.range(0, 3)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> start("racer", (builder) -> {
			})))
			.toList();
		assertThat(starts).filteredOn((start) -> succeeded(start)).hasSize(1);
	}

	@Test
	void nodesTakingOverADeadNodesIdAtOnceStartOneOfThem() {
		registerDeadNode("heir", Duration.ofMillis(200));
		await().atMost(WAIT).until(() -> this.store.find("heir").orElseThrow().expiresAt().isBefore(this.clock.instant()));
		List<CompletableFuture<TaskQueueEngine>> starts = IntStream.range(0, 3)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> start("heir", (builder) -> {
			})))
			.toList();
		assertThat(starts).filteredOn((start) -> succeeded(start)).hasSize(1);
	}

	@Test
	void aNodeWithMaxTasksRunsThatManyThenTellsItsListener() {
		CompletableFuture<RunLimit> reached = new CompletableFuture<>();
		TaskQueue queue = startStoppingAtLimit("limited", reached, (builder) -> builder.concurrency(2).maxTasks(3));
		enqueueEchoes(queue, 5);
		assertThat(reached).succeedsWithin(WAIT).isEqualTo(RunLimit.MAX_TASKS);
		assertThat(this.store.find("limited")).isEmpty();
		assertThat(this.nodes.count(TaskStatus.SUCCEEDED)).isEqualTo(3);
		assertThat(this.nodes.count(TaskStatus.READY)).isEqualTo(2);
	}

	@Test
	void aNodeOverItsMemoryLimitAfterATaskStopsClaimingThenTellsItsListener() {
		CompletableFuture<RunLimit> reached = new CompletableFuture<>();
		TaskQueue queue = startStoppingAtLimit("heavy", reached, (builder) -> builder.concurrency(1)
			.claimAhead(Duration.ZERO)
			.memoryLimit(DataSize.ofKilobytes(1)));
		enqueueEchoes(queue, 3);
		assertThat(reached).succeedsWithin(WAIT).isEqualTo(RunLimit.MEMORY_LIMIT);
		assertThat(this.nodes.count(TaskStatus.SUCCEEDED)).isOne();
		assertThat(this.nodes.count(TaskStatus.READY)).isEqualTo(2);
	}

	@Test
	void aNodePastItsMaxRuntimeFinishesItsRunningTaskClaimsNoMoreThenTellsItsListener() {
		CompletableFuture<RunLimit> reached = new CompletableFuture<>();
		TaskQueue queue = startStoppingAtLimit("timed", reached, (builder) -> builder.concurrency(1)
			.claimAhead(Duration.ZERO)
			.maxRuntime(Duration.ofMillis(300)));
		UUID running = queue.enqueue("wait", "x").id();
		TestNodes.awaitStatus(queue, running, TaskStatus.RUNNING);
		queue.enqueue("echo", "late");
		// The node's only slot is busy until released, well after its run time is over
		Instant over = node("timed").startedAt().plusMillis(1500);
		await().atMost(WAIT).until(() -> this.clock.instant().isAfter(over));
		assertThat(reached).isNotDone();
		this.release.countDown();
		assertThat(reached).succeedsWithin(WAIT).isEqualTo(RunLimit.MAX_RUNTIME);
		assertThat(queue.find(running).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(this.nodes.count(TaskStatus.READY)).isOne();
	}

	@Test
	void aNodeWhoseIdAnotherNodeTookOverWhileItsHeartbeatLapsedFinishesItsTaskClaimsNoMoreThenTellsItsListener() {
		CompletableFuture<RunLimit> reached = new CompletableFuture<>();
		TaskQueue queue = startStoppingAtLimit("twin", reached, (builder) -> builder.concurrency(1)
			.claimAhead(Duration.ZERO));
		UUID running = queue.enqueue("wait", "x").id();
		TestNodes.awaitStatus(queue, running, TaskStatus.RUNNING);
		// As a node does that takes the row over once this node's heartbeat has lapsed
		Instant takenOver = this.clock.instant();
		new JdbcTemplate(this.nodes.dataSource()).update("UPDATE " + this.nodes.prefix()
				+ "NODE SET instance = 'another-node', expires_at = ? WHERE id = 'twin'",
				(ps) -> this.nodes.dialect().setInstant(ps, 1, takenOver.plus(Duration.ofHours(1))));
		queue.enqueue("echo", "late");
		// Ten heartbeats: the node has found its row taken, and its only slot is still busy
		await().atMost(WAIT).until(() -> this.clock.instant().isAfter(takenOver.plusSeconds(1)));
		assertThat(reached).isNotDone();
		this.release.countDown();
		assertThat(reached).succeedsWithin(WAIT).isEqualTo(RunLimit.WORKER_ID_TAKEN);
		assertThat(queue.find(running).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(this.nodes.count(TaskStatus.READY)).isOne();
		assertThat(this.store.find("twin")).hasValueSatisfying(
				(node) -> assertThat(node.expiresAt()).isAfter(takenOver.plusSeconds(3000)));
	}

	@Test
	void aNodeWhoseIdAnotherNodeTookOverStopsItsDaemonsScheduleFiringAndRetentionButFinishesItsTask()
			throws InterruptedException {
		CountDownLatch daemonRunning = new CountDownLatch(1);
		CountDownLatch daemonEnded = new CountDownLatch(1);
		TaskQueueEngine engine = start("twin", (builder) -> builder.concurrency(1)
			.claimAhead(Duration.ZERO)
			.pollInterval(Duration.ofMillis(100))
			.daemon("twin-daemon", (context) -> {
				daemonRunning.countDown();
				// Longer than the test waits for it to end
				context.awaitStop(WAIT.multipliedBy(2));
				daemonEnded.countDown();
			})
			.schedules(List.of(ScheduleRequest.fixedRate("tick", "echo", Duration.ofMillis(100)).build()))
			.retention(RetentionPolicy.defaults().keep(TaskStatus.SUCCEEDED, Duration.ZERO))
			.retentionInterval(Duration.ofMillis(100)));
		TaskQueue queue = engine.queue();
		UUID running = queue.enqueue("wait", "x").id();
		TestNodes.awaitStatus(queue, running, TaskStatus.RUNNING);
		assertThat(daemonRunning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// The only slot is busy: the schedule's tasks wait, and show that it fires
		await().atMost(WAIT).until(() -> this.nodes.count(TaskStatus.READY) > 0);
		new JdbcTemplate(this.nodes.dataSource()).update("UPDATE " + this.nodes.prefix()
				+ "NODE SET instance = 'another-node', expires_at = ? WHERE id = 'twin'",
				(ps) -> this.nodes.dialect().setInstant(ps, 1, this.clock.instant().plus(Duration.ofHours(1))));
		assertThat(daemonEnded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		// The other node holds the daemon's lease under the same id: it stays held
		assertThat(engine.daemons().list()).singleElement()
			.satisfies((daemon) -> assertThat(daemon.node()).isEqualTo("twin"));
		int fired = this.nodes.count(TaskStatus.READY);
		this.release.countDown();
		TestNodes.awaitStatus(queue, running, TaskStatus.SUCCEEDED);
		// Retention would delete the task at once, and the schedule fire every 100 ms
		await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> queue.find(running).isPresent()
				&& this.nodes.count(TaskStatus.READY) == fired);
	}

	private TaskQueueEngine start(String workerId, Consumer<TaskQueueEngine.Builder> customizer) {
		return this.nodes.start((builder) -> {
			builder.workerId(workerId).nodeHeartbeatInterval(HEARTBEAT).nodeExpiry(EXPIRY);
			customizer.accept(builder);
		});
	}

	/**
	 * Starts a node whose run limit listener stops it, as an application's would, then tells
	 * the limit: once told, the node's outcomes are written and its row deleted.
	 */
	private TaskQueue startStoppingAtLimit(String workerId, CompletableFuture<RunLimit> reached,
			Consumer<TaskQueueEngine.Builder> customizer) {
		AtomicReference<TaskQueueEngine> engine = new AtomicReference<>();
		engine.set(start(workerId, (builder) -> {
			customizer.accept(builder);
			builder.runLimitListener((limit) -> {
				await().atMost(WAIT).until(() -> engine.get() != null);
				engine.get().stop();
				reached.complete(limit);
			});
		}));
		return engine.get().queue();
	}

	/** Registers a node that never heartbeats, as one that died right after it started. */
	private void registerDeadNode(String id, Duration expiry) {
		Instant now = this.clock.instant();
		NodeInfo node = new NodeInfo(id, "dead-host", 4242, now, List.of(new NodeInfo.Lane(List.of("default"), 1)), 0,
				HEARTBEAT, now, now.plus(expiry));
		assertThat(this.store.insert(node, UUID.randomUUID().toString())).isTrue();
	}

	private NodeInfo node(String id) {
		return this.store.find(id).orElseThrow();
	}

	private void enqueueEchoes(TaskQueue queue, int count) {
		// Enqueued in one statement, so that the node's first claim can see them all
		queue.enqueueAll(IntStream.range(0, count).mapToObj((i) -> TaskRequest.of("echo", "e" + i)).toList());
	}

	private static boolean succeeded(CompletableFuture<TaskQueueEngine> start) {
		try {
			return start.join() != null;
		}
		catch (RuntimeException ex) {
			assertThat(ex).rootCause().isInstanceOf(WorkerIdInUseException.class);
			return false;
		}
	}

}

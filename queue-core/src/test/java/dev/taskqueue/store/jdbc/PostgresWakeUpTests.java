package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.PreparingHook;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which enqueues wake the other nodes on PostgreSQL: those the enqueuing node has no room to
 * claim at once. An enqueue that fits its own idle slots sends no notification, so the other
 * nodes' listening connections and threads sleep on, and, outside a transaction, claims in
 * its insert's round trip; one that does not fit reaches another node at once, long before
 * its next poll.
 */
class PostgresWakeUpTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Longer than any test waits: a task another node runs in time was not found by polling. */
	private static final Duration SLOW_POLL = Duration.ofMinutes(5);

	private final DataSource dataSource = TestDatabases.postgres();

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final List<TaskQueueEngine> nodes = new ArrayList<>();

	private final Map<UUID, String> ranOn = new ConcurrentHashMap<>();

	private final CountDownLatch release = new CountDownLatch(1);

	/** Each node's name and the thread it prepared a claim on, as "node:thread". */
	private final Set<String> claimThreads = ConcurrentHashMap.newKeySet();

	/** The same for claims sent with an insert, in its round trip. */
	private final Set<String> claimsWithInsert = ConcurrentHashMap.newKeySet();

	/** Each node's DataSource, by name. */
	private final Map<String, DataSource> nodeDataSources = new ConcurrentHashMap<>();

	private Connection listening;

	@BeforeEach
	void createSchemaAndListen() throws SQLException {
		TestDatabases.createSchema(this.dataSource, "postgresql", this.prefix);
		this.listening = this.dataSource.getConnection();
		try (Statement statement = this.listening.createStatement()) {
			statement.execute("LISTEN \"" + JdbcTaskStore.channel(this.prefix) + "\"");
		}
	}

	@AfterEach
	void stopAndDropSchema() throws SQLException {
		this.release.countDown();
		this.nodes.forEach(TaskQueueEngine::stop);
		try (Statement statement = this.listening.createStatement()) {
			statement.execute("UNLISTEN *");
		}
		this.listening.close();
		TestDatabases.dropSchema(this.dataSource, "postgresql", this.prefix);
	}

	@Test
	void anEnqueueThatFitsTheNodesIdleSlotsWakesNoOtherNode() throws SQLException {
		TaskQueueEngine node = node("roomy", 4);
		notifications(Duration.ofMillis(200));
		// Each after the one before ran: the node claimed them, and has its room again
		UUID alone = node.queue().enqueue(TaskRequest.of("work", 1)).id();
		await().atMost(WAIT).until(() -> this.ranOn.containsKey(alone));
		List<UUID> pair = node.queue()
			.enqueueAll(List.of(TaskRequest.of("work", 2), TaskRequest.of("work", 3)))
			.stream()
			.map((ref) -> ref.id())
			.toList();
		await().atMost(WAIT).until(() -> this.ranOn.keySet().containsAll(pair));
		UUID keyed = node.queue().enqueue(TaskRequest.builder("work").payload(4).key("keyed").build()).id();
		await().atMost(WAIT).until(() -> this.ranOn.containsKey(keyed));
		assertThat(notifications(Duration.ofMillis(500))).isEmpty();
	}

	@Test
	void aBatchLargerThanTheNodesRoomWakesTheOtherNodes() throws SQLException {
		TaskQueueEngine node = node("small", 2);
		notifications(Duration.ofMillis(200));
		node.queue().enqueueAll(List.of(TaskRequest.of("work", 1), TaskRequest.of("work", 2), TaskRequest.of("work", 3)));
		assertThat(notifications(Duration.ofSeconds(5))).hasSize(1);
	}

	@Test
	void enqueuesThatTogetherOutgrowTheNodesRoomBeforeItClaimsWakeTheOtherNodes() throws SQLException {
		TaskQueueEngine node = node("small", 2);
		notifications(Duration.ofMillis(200));
		// In one transaction, so that the node claims none of them before the last is enqueued
		new TransactionTemplate(new DataSourceTransactionManager(this.nodeDataSources.get("small")))
			.executeWithoutResult((status) -> {
				for (int i = 0; i < 3; i++) {
					node.queue().enqueue(TaskRequest.of("work", i));
				}
			});
		assertThat(notifications(Duration.ofSeconds(5))).hasSize(1);
	}

	@Test
	void aTaskTheBusyNodeCannotStartReachesAnIdleNodeBeforeItsNextPoll() {
		BusyNode busy = busyNodeBesideAListeningIdleNode();
		UUID waiting = busy.engine().queue().enqueue(TaskRequest.of("work", 1)).id();
		await().atMost(WAIT).until(() -> this.ranOn.containsKey(waiting));
		assertThat(this.ranOn).containsEntry(waiting, "idle");
		assertThat(busy.engine().queue().find(busy.blocking())).hasValueSatisfying(
				(state) -> assertThat(state.status()).isEqualTo(TaskStatus.RUNNING));
	}

	@Test
	void theThreadThatHearsOfAReadyTaskClaimsItWithoutWakingAnother() {
		BusyNode busy = busyNodeBesideAListeningIdleNode();
		// A notification that comes while the idle node still claims for its start, or to catch up
		// once listening, only asks that claim for one more round; the next task finds it at rest
		boolean claimedByListener = false;
		for (int attempt = 0; attempt < 3 && !claimedByListener; attempt++) {
			this.claimThreads.clear();
			UUID waiting = busy.engine().queue().enqueue(TaskRequest.of("work", attempt)).id();
			await().atMost(WAIT).until(() -> this.ranOn.containsKey(waiting));
			assertThat(this.ranOn).containsEntry(waiting, "idle");
			claimedByListener = this.claimThreads.contains("idle:taskqueue-listener");
		}
		assertThat(claimedByListener).as("a claim on the idle node's listening thread").isTrue();
	}

	@Test
	void anEnqueueOnANodeWithRoomClaimsItsTaskInTheInsertsRoundTrip() {
		TaskQueueEngine node = node("roomy", 4);
		String here = "roomy:" + Thread.currentThread().getName();
		// An enqueue during the node's start-up claim leaves its task to that claim's next round
		for (int attempt = 0; attempt < 3 && !this.claimsWithInsert.contains(here); attempt++) {
			UUID id = node.queue().enqueue(TaskRequest.of("work", attempt)).id();
			if (this.claimsWithInsert.contains(here)) {
				assertThat(node.queue().find(id)).hasValueSatisfying(
						(state) -> assertThat(state.status()).isIn(TaskStatus.RUNNING, TaskStatus.SUCCEEDED));
			}
			await().atMost(WAIT).until(() -> "roomy".equals(this.ranOn.get(id)));
		}
		assertThat(this.claimsWithInsert).as("claims sent with an insert").containsExactly(here);
	}

	@Test
	void anEnqueueInATransactionLeavesTheClaimToTheNodeOnceItCommits() {
		TaskQueueEngine node = node("roomy", 4);
		String here = "roomy:" + Thread.currentThread().getName();
		UUID id = new TransactionTemplate(new DataSourceTransactionManager(this.nodeDataSources.get("roomy")))
			.execute((status) -> node.queue().enqueue(TaskRequest.of("work", 1)).id());
		await().atMost(WAIT).until(() -> "roomy".equals(this.ranOn.get(id)));
		assertThat(this.claimsWithInsert).isEmpty();
		assertThat(this.claimThreads).doesNotContain(here);
	}

	@Test
	void aNodeThatDoesNotRunTheTasksQueueWakesTheOtherNodes() throws SQLException {
		TaskQueueEngine elsewhere = node("elsewhere", 2, "other");
		notifications(Duration.ofMillis(200));
		elsewhere.queue().enqueue(TaskRequest.of("work", 1));
		assertThat(notifications(Duration.ofSeconds(5))).hasSize(1);
	}

	/**
	 * A node "busy" whose one slot a blocked task holds, beside a node "idle" with free slots
	 * that listens for ready tasks.
	 */
	private BusyNode busyNodeBesideAListeningIdleNode() {
		TaskQueueEngine busy = node("busy", 1);
		UUID blocking = busy.queue().enqueue(TaskRequest.of("block", 0)).id();
		await().atMost(WAIT).until(() -> "busy".equals(this.ranOn.get(blocking)));
		node("idle", 4);
		// This test's connection, and each node's: a notification sent before the idle node
		// listens would be missed, and the idle node would find the task when it catches up
		await().atMost(WAIT).until(() -> listeningConnections() == 3);
		return new BusyNode(busy, blocking);
	}

	private int listeningConnections() {
		return new JdbcTemplate(this.dataSource).queryForObject(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE query = ?", Integer.class,
				"LISTEN \"" + JdbcTaskStore.channel(this.prefix) + "\"");
	}

	/** The notifications that arrive within the time given, at least one if any does. */
	private List<PGNotification> notifications(Duration within) throws SQLException {
		PGNotification[] received = this.listening.unwrap(PGConnection.class)
			.getNotifications((int) within.toMillis());
		return (received != null) ? List.of(received) : List.of();
	}

	/** The tests' database, noting the thread each claim of the node is prepared on. */
	private DataSource notingClaimThreads(String node) {
		return new PreparingHook(this.dataSource, (sql) -> {
			if (sql.contains("SKIP LOCKED")) {
				String claim = node + ":" + Thread.currentThread().getName();
				this.claimThreads.add(claim);
				if (sql.startsWith("INSERT")) {
					this.claimsWithInsert.add(claim);
				}
			}
		});
	}

	/** A node serving the queue of the test's task types with the slots given. */
	private TaskQueueEngine node(String name, int concurrency) {
		return node(name, concurrency, null);
	}

	/** A node serving only the queue given, if one is, with the slots given. */
	private TaskQueueEngine node(String name, int concurrency, @Nullable String queue) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		TaskHandler<Integer> work = (payload, context) -> {
			this.ranOn.put(context.taskId(), name);
			return payload;
		};
		TaskHandler<Integer> block = (payload, context) -> {
			this.ranOn.put(context.taskId(), name);
			this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return payload;
		};
		registry.register("work", work, Integer.class, TaskTypeSettings.NONE, "wake-up test handler");
		registry.register("block", block, Integer.class, TaskTypeSettings.NONE, "wake-up test handler");
		DataSource dataSource = this.nodeDataSources.computeIfAbsent(name, this::notingClaimThreads);
		TaskQueueEngine.Builder builder = TaskQueueEngine.builder(dataSource, registry, JsonMapper.builder().build())
			.tablePrefix(this.prefix)
			.workerId(name)
			.concurrency(concurrency)
			.pollInterval(SLOW_POLL);
		if (queue != null) {
			builder.queue(queue, concurrency);
		}
		TaskQueueEngine engine = builder.build();
		engine.start();
		this.nodes.add(engine);
		return engine;
	}

	/** A node and the task that holds its only slot. */
	private record BusyNode(TaskQueueEngine engine, UUID blocking) {
	}

}

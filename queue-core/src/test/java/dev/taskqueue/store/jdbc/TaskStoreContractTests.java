package dev.taskqueue.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.ProgressReport;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.jdbc.dialect.ClaimShape;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.testsupport.PreparingHook;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every supported database must show, store and executor together. Each
 * database's subclass only supplies a DataSource.
 */
abstract class TaskStoreContractTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final List<TaskQueueEngine> engines = new ArrayList<>();

	private final List<String> ran = new CopyOnWriteArrayList<>();

	private DataSource dataSource;

	private Dialect dialect;

	private JdbcTaskStore store;

	private TaskTypeRegistry registry;

	protected abstract DataSource dataSource();

	@BeforeEach
	void createSchema() {
		this.dataSource = dataSource();
		this.dialect = Dialect.of(this.dataSource);
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		this.store = new JdbcTaskStore(this.dataSource, this.dialect, this.prefix, new PayloadCodec(mapper), "test-node",
				TaskQueueMetrics.of(null));
		// No retries unless a test asks for them, so that a failure ends the task at once
		this.registry = new TaskTypeRegistry(List.of(), new TaskTypeSettings(null, null, null,
				new TaskOptions(null, null, 0, null, null, null, null), null));
		register("echo", String.class, (payload, context) -> {
			this.ran.add((String) payload);
			return payload;
		});
		register("fail", String.class, (payload, context) -> {
			this.ran.add((String) payload);
			throw new IllegalStateException("Boom: " + payload);
		});
		register("point", Point.class, (payload, context) -> {
			Point point = (Point) payload;
			return new Point(point.x() + 1, point.y() + context.attempt());
		});
		register("gate", String.class, (payload, context) -> {
			Gate.entered.countDown();
			try {
				Gate.open.await();
			}
			catch (InterruptedException ex) {
				Gate.interruptedWhileCancelled = context.isCancelled();
				Gate.interrupted.countDown();
				throw ex;
			}
			return payload;
		});
		Gate.reset();
	}

	@AfterEach
	void dropSchema() {
		Gate.open.countDown();
		this.engines.forEach(TaskQueueEngine::stop);
		TestDatabases.dropSchema(this.dataSource, this.dialect.platform(), this.prefix);
	}

	@Test
	void enqueuedTaskRunsAndStoresItsResult() {
		TaskQueue queue = start();
		TaskRef ref = queue.enqueue("point", new Point(1, 2));
		TaskState state = awaitStatus(queue, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(state.result(Point.class)).isEqualTo(new Point(2, 3));
		assertThat(state.type()).isEqualTo("point");
		assertThat(state.queue()).isEqualTo("default");
		assertThat(state.attempts()).isEqualTo(1);
		assertThat(state.payload().as(Point.class)).isEqualTo(new Point(1, 2));
		assertThat(state.startedAt()).isNotNull();
		assertThat(state.finishedAt()).isAfterOrEqualTo(state.startedAt());
		assertThat(state.createdAt()).isBeforeOrEqualTo(state.startedAt());
	}

	@Test
	void handlerExceptionFailsTheTaskWithItsMessageAndStackSummaryAndTheWorkerCarriesOn() {
		TaskQueue queue = start();
		TaskRef failing = queue.enqueue("fail", "x");
		TaskState failed = awaitStatus(queue, failing.id(), TaskStatus.FAILED);
		assertThat(failed.errorMessage()).isEqualTo("Boom: x");
		assertThat(failed.errorDetail()).startsWith("java.lang.IllegalStateException: Boom: x")
			.contains("at " + TaskStoreContractTests.class.getName() + ".lambda$");
		assertThat(failed.result()).isNull();
		TaskRef next = queue.enqueue("echo", "after");
		assertThat(awaitStatus(queue, next.id(), TaskStatus.SUCCEEDED).result(String.class)).isEqualTo("after");
	}

	@Test
	void unknownTypeIsRejectedNamingTheKnownTypesAndNothingIsWritten() {
		TaskQueue queue = start();
		assertThatExceptionOfType(UnknownTaskTypeException.class)
			.isThrownBy(() -> queue.enqueueAll(List.of(TaskRequest.of("echo", "a"), TaskRequest.of("nope", "b"))))
			.withMessage("Task type 'nope' not found: declare a @Task method or taskqueue.types.nope.class-name "
					+ "(known types: echo, fail, gate, point)");
		assertThat(taskCount()).isZero();
	}

	@Test
	void payloadThatCannotBeWrittenIsRejectedAndNothingIsWritten() {
		TaskQueue queue = start();
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> queue.enqueueAll(List.of(TaskRequest.of("echo", "a"), TaskRequest.of("echo", new Unwritable()))))
			.withMessageStartingWith("Payload of task type 'echo' cannot be written as JSON");
		assertThat(taskCount()).isZero();
	}

	@Test
	void missingParentIsRejectedNamingItAndNothingIsWritten() {
		TaskQueue queue = start();
		UUID missing = UUID.randomUUID();
		TaskRequest first = TaskRequest.of("echo", "a");
		TaskRequest orphan = TaskRequest.builder("echo").payload("b").after(missing).build();
		assertThatExceptionOfType(TaskNotFoundException.class)
			.isThrownBy(() -> queue.enqueueAll(List.of(first, orphan)))
			.withMessageContaining(missing.toString())
			.withMessageContaining(orphan.id().toString());
		assertThat(taskCount()).isZero();
	}

	@Test
	void enqueueInATransactionThatRollsBackLeavesNothing() {
		TaskQueue queue = start();
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		TaskRef ref = transaction.execute((status) -> {
			TaskRef enqueued = queue.enqueue("echo", "never");
			status.setRollbackOnly();
			return enqueued;
		});
		assertThat(queue.find(ref.id())).isEmpty();
		TaskRef committed = transaction.execute((status) -> queue.enqueue("echo", "committed"));
		awaitStatus(queue, committed.id(), TaskStatus.SUCCEEDED);
		assertThat(this.ran).containsExactly("committed");
	}

	@Test
	void enqueueOutsideATransactionCommitsAlsoOnAConnectionOutOfAutoCommitMode() throws Exception {
		DataSource manualCommit = new DelegatingDataSource(this.dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				connection.setAutoCommit(false);
				return connection;
			}

		};
		JdbcTaskStore store = new JdbcTaskStore(manualCommit, this.dialect, this.prefix, new PayloadCodec(mapper),
				"test-node", TaskQueueMetrics.of(null));
		Instant now = Instant.now();
		store.insert(List.of(newTask(now)), true);
		store.insert(List.of(newTask(now), newTask(now)), true);
		assertThat(countWithStatus(TaskStatus.READY)).isEqualTo(3);
	}

	@Test
	void claimOutsideATransactionCommitsAlsoOnAConnectionOutOfAutoCommitModeAndHandsItBackSo() throws Exception {
		List<Object> autoCommitSwitches = new ArrayList<>();
		DataSource manualCommit = outOfAutoCommitMode((method, result, args) -> {
			if (method.getName().equals("setAutoCommit")) {
				autoCommitSwitches.add(args[0]);
			}
			return result;
		});
		JdbcTaskStore store = new JdbcTaskStore(manualCommit, this.dialect, this.prefix, new PayloadCodec(mapper),
				"test-node", TaskQueueMetrics.of(null));
		Instant now = Instant.now();
		insert(newTask(now), newTask(now));
		assertThat(store.claim("default", 10, "w", now, now.plusSeconds(60))).hasSize(2);
		assertThat(countWithStatus(TaskStatus.RUNNING)).isEqualTo(2);
		// A claim that commits by itself switches to auto-commit and back before the pool gets the connection again
		assertThat(autoCommitSwitches).containsExactlyElementsOf(
				(this.dialect.claimShape() == ClaimShape.UPDATE_RETURNING) ? List.of(true, false) : List.of());
	}

	@Test
	void claimWhoseConnectionFailsToLeaveAutoCommitModeAfterwardsStillHandsOverTheTasksItCommitted() {
		DataSource breaksOnTheWayBack = outOfAutoCommitMode((method, result, args) -> {
			if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
				throw new SQLException("The connection broke", "08006");
			}
			return result;
		});
		JdbcTaskStore store = new JdbcTaskStore(breaksOnTheWayBack, this.dialect, this.prefix,
				new PayloadCodec(mapper), "test-node", TaskQueueMetrics.of(null));
		Instant now = Instant.now();
		insert(newTask(now), newTask(now));
		assertThat(store.claim("default", 10, "w", now, now.plusSeconds(60))).hasSize(2);
		assertThat(countWithStatus(TaskStatus.RUNNING)).isEqualTo(2);
	}

	@Test
	void claimInATransactionThatRollsBackLeavesTheTasksReady() {
		Instant now = Instant.now();
		insert(newTask(now), newTask(now));
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		transaction.executeWithoutResult((status) -> {
			assertThat(this.store.claim("default", 10, "w", now, now.plusSeconds(60))).hasSize(2);
			status.setRollbackOnly();
		});
		assertThat(countWithStatus(TaskStatus.READY)).isEqualTo(2);
		assertThat(this.store.claim("default", 10, "w", now, now.plusSeconds(60))).hasSize(2);
	}

	@Test
	void claimWhoseLaterStatementFailsLeavesNoTaskRunningThatItDidNotHandOver() {
		AtomicBoolean failSecondStatement = new AtomicBoolean();
		AtomicInteger prepared = new AtomicInteger();
		DataSource failing = new PreparingHook(this.dataSource, (sql) -> {
			if (failSecondStatement.get() && prepared.incrementAndGet() == 2) {
				throw new SQLException("the second statement of the claim fails");
			}
		});
		JdbcTaskStore store = new JdbcTaskStore(failing, this.dialect, this.prefix, new PayloadCodec(mapper),
				"test-node", TaskQueueMetrics.of(null));
		Instant now = Instant.now();
		insert(newTask(now), newTask(now), newTask(now));
		assertThat(store.claim("default", 2, "w", now, now.plusSeconds(60))).hasSize(2);
		failSecondStatement.set(true);
		// On PostgreSQL a claim right after a full one starts at its position, commits, comes back
		// short and goes on at the head, whose statement fails
		List<UUID> handedOver = new ArrayList<>();
		try {
			store.claim("default", 5, "w", now, now.plusSeconds(60)).forEach((task) -> handedOver.add(task.id()));
		}
		catch (DataAccessException ex) {
			// the claim failed as a whole: then it must have claimed nothing
		}
		assertThat(countWithStatus(TaskStatus.RUNNING)).isEqualTo(2 + handedOver.size());
	}

	private static NewTask newTask(Instant now) {
		return new NewTask(UUID.randomUUID(), "echo", "default", 0, now, "\"x\"", null, TaskOptions.NONE, Set.of(),
				Set.of(), null, now);
	}

	@Test
	void enqueueAllWritesEveryTaskAndTheyAllRun() {
		TaskQueue queue = start();
		List<TaskRequest> requests = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			requests.add(TaskRequest.of("echo", "t" + i));
		}
		List<TaskRef> refs = queue.enqueueAll(requests);
		assertThat(refs).extracting(TaskRef::id).containsExactlyElementsOf(requests.stream().map(TaskRequest::id).toList());
		await().atMost(WAIT).until(() -> this.ran.size() == 300);
		assertThat(new HashSet<>(this.ran)).hasSize(300);
		await().atMost(WAIT).until(() -> countWithStatus(TaskStatus.SUCCEEDED) == 300);
	}

	@Test
	void insertKeepsEachTaskItsOwnValuesInBatchesOfOneStatementOrOfArrays() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		// 16 rows of values at most on PostgreSQL, arrays above; one statement per task elsewhere
		for (int size : new int[] { 2, 16, 17 }) {
			List<NewTask> tasks = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				tasks.add(new NewTask(UUID.randomUUID(), "echo", "queue-" + i, i, now.plusSeconds(60 + i),
						"\"payload-" + i + "\"", null, TaskOptions.NONE, Set.of(), Set.of(), null, now.minusSeconds(i),
						null));
			}
			this.store.insert(tasks, true);
			for (int i = 0; i < size; i++) {
				TaskState state = this.store.find(tasks.get(i).id()).orElseThrow();
				assertThat(state.queue()).isEqualTo("queue-" + i);
				assertThat(state.priority()).isEqualTo(i);
				assertThat(state.runAt()).isEqualTo(now.plusSeconds(60 + i));
				assertThat(state.createdAt()).isEqualTo(now.minusSeconds(i));
				assertThat(state.payload().json()).isEqualTo("\"payload-" + i + "\"");
			}
		}
	}

	@Test
	void chainRunsInOrder() {
		TaskQueue queue = start();
		TaskRequest a = TaskRequest.of("echo", "a");
		TaskRequest b = TaskRequest.builder("echo").payload("b").after(a).build();
		TaskRequest c = TaskRequest.builder("echo").payload("c").after(b).build();
		queue.enqueueAll(List.of(a, b, c));
		TaskRef d = queue.enqueue(TaskRequest.builder("echo").payload("d").after(c.id()).build());
		awaitStatus(queue, d.id(), TaskStatus.SUCCEEDED);
		assertThat(this.ran).containsExactly("a", "b", "c", "d");
		assertThat(queue.find(d.id()).get().parents()).containsExactly(c.id());
	}

	@Test
	void fanInRunsOnlyAfterEveryParentSucceeded() {
		TaskQueue queue = start();
		TaskRef gate = queue.enqueue("gate", "slow");
		TaskRef quick = queue.enqueue("echo", "quick");
		TaskRef join = queue.enqueue(TaskRequest.builder("echo").payload("join").after(gate, quick).build());
		awaitStatus(queue, quick.id(), TaskStatus.SUCCEEDED);
		awaitGateEntered();
		assertThat(queue.find(join.id()).get().status()).isEqualTo(TaskStatus.WAITING);
		Gate.open.countDown();
		awaitStatus(queue, join.id(), TaskStatus.SUCCEEDED);
		assertThat(this.ran).containsExactly("quick", "join");
	}

	@Test
	void childOfAnAlreadySucceededParentIsReadyAtOnce() {
		TaskQueue queue = start();
		TaskRef parent = queue.enqueue("echo", "parent");
		awaitStatus(queue, parent.id(), TaskStatus.SUCCEEDED);
		TaskRef child = queue.enqueue(TaskRequest.builder("echo").payload("child").after(parent).build());
		awaitStatus(queue, child.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void failedParentHoldsItsChildUntilRetriedAndSucceeds() {
		Set<String> broken = ConcurrentHashMap.newKeySet();
		broken.add("step");
		register("flaky", String.class, (payload, context) -> {
			if (broken.contains(payload)) {
				throw new IllegalStateException("still broken");
			}
			this.ran.add((String) payload);
			return payload;
		});
		TaskQueue queue = start();
		TaskRef step = queue.enqueue("flaky", "step");
		TaskRef next = queue.enqueue(TaskRequest.builder("echo").payload("next").after(step).build());
		awaitStatus(queue, step.id(), TaskStatus.FAILED);
		assertThat(queue.find(next.id()).get().status()).isEqualTo(TaskStatus.WAITING);
		broken.clear();
		assertThat(queue.retry(step.id())).isTrue();
		TaskState retried = awaitStatus(queue, step.id(), TaskStatus.SUCCEEDED);
		assertThat(retried.attempts()).isEqualTo(2);
		assertThat(retried.errorMessage()).isNull();
		awaitStatus(queue, next.id(), TaskStatus.SUCCEEDED);
		assertThat(this.ran).containsExactly("step", "next");
		assertThat(queue.retry(step.id())).isFalse();
	}

	@Test
	void cancellingAParentCancelsItsWaitingDescendants() {
		TaskQueue queue = start();
		TaskRef parent = queue.enqueue(TaskRequest.builder("echo").payload("parent").delay(Duration.ofHours(1)).build());
		TaskRef child = queue.enqueue(TaskRequest.builder("echo").payload("child").after(parent).build());
		TaskRef grandchild = queue.enqueue(TaskRequest.builder("echo").payload("grandchild").after(child).build());
		assertThat(queue.cancel(parent.id())).isTrue();
		assertThat(queue.find(parent.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
		assertThat(queue.find(child.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
		assertThat(queue.find(grandchild.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
		assertThat(queue.find(grandchild.id()).get().finishedAt()).isNotNull();
		assertThat(queue.cancel(parent.id())).isFalse();
		TaskRef late = queue.enqueue(TaskRequest.builder("echo").payload("late").after(parent).build());
		assertThat(queue.find(late.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
		assertThat(this.ran).isEmpty();
	}

	@Test
	void cancellingARunningTaskInterruptsItAndItNeverSucceeds() {
		TaskQueue queue = start();
		TaskRef gate = queue.enqueue("gate", "running");
		awaitGateEntered();
		assertThat(queue.cancel(gate.id())).isTrue();
		await().atMost(WAIT).until(() -> Gate.interrupted.getCount() == 0);
		assertThat(Gate.interruptedWhileCancelled).isTrue();
		// outcomes are written in order: once a later task has succeeded, the gate's has been too
		TaskRef later = queue.enqueue("echo", "later");
		awaitStatus(queue, later.id(), TaskStatus.SUCCEEDED);
		assertThat(activeCount()).isZero();
		assertThat(queue.find(gate.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	@Test
	void runWhoseClaimWasLostIsStoppedWhenItsNodeClaimsTheTaskAgainAndOnlyTheNewRunEndsIt() {
		TaskQueue queue = start();
		TaskRef gate = queue.enqueue("gate", "claimed twice");
		awaitGateEntered();
		loseClaim(gate.id());
		await().atMost(WAIT).until(() -> Gate.interrupted.getCount() == 0);
		assertThat(Gate.interruptedWhileCancelled).isTrue();
		await().atMost(WAIT).until(() -> countWithStatus(TaskStatus.RUNNING) == 1);
		Gate.open.countDown();
		TaskState state = awaitStatus(queue, gate.id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errors()).isEmpty();
	}

	@Test
	void cancelAndRetryOfAnUnknownTaskNameIt() {
		TaskQueue queue = start();
		UUID id = UUID.randomUUID();
		assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> queue.cancel(id))
			.withMessage("Task " + id + " not found");
		assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> queue.retry(id))
			.withMessage("Task " + id + " not found");
		assertThat(queue.find(id)).isEmpty();
	}

	@Test
	void scheduledTaskIsNotClaimedBeforeItsTime() {
		Instant now = Instant.now();
		insert(task("later", "echo", 0, now.plusSeconds(60)));
		assertThat(this.store.claim("default", 10, "w", now, now.plusSeconds(60))).isEmpty();
		assertThat(this.store.claim("default", 10, "w", now.plusSeconds(61), now.plusSeconds(120))).hasSize(1);
	}

	@Test
	void claimTakesHigherPriorityFirstThenOlderTasks() {
		Instant now = Instant.now();
		NewTask oldLow = task("old-low", "echo", 0, now.minusSeconds(30));
		NewTask newHigh = task("new-high", "echo", 5, now.minusSeconds(10));
		NewTask oldHigh = task("old-high", "echo", 5, now.minusSeconds(20));
		NewTask otherQueue = new NewTask(UUID.randomUUID(), "echo", "other", 9, now.minusSeconds(40), "\"x\"", null,
				TaskOptions.NONE, Set.of(), Set.of(), null, now);
		insert(oldLow, newHigh, oldHigh, otherQueue);
		List<ClaimedTask> claimed = this.store.claim("default", 2, "w", now, now.plusSeconds(60));
		assertThat(claimed).extracting(ClaimedTask::id).containsExactlyInAnyOrder(oldHigh.id(), newHigh.id());
		assertThat(claimed).allSatisfy((task) -> assertThat(task.attempt()).isEqualTo(1));
		assertThat(this.store.claim("default", 2, "w", now, now.plusSeconds(60))).extracting(ClaimedTask::id)
			.containsExactly(oldLow.id());
	}

	@Test
	void anInsertThatClaimsTakesTasksReadyBeforeItsOwnFirstOnPostgresAndWritesNothingElsewhere() {
		Instant now = Instant.now();
		NewTask urgent = task("urgent", "echo", 5, now.minusSeconds(10));
		insert(urgent);
		NewTask mine = task("mine", "echo", 0, now.minusSeconds(5));
		NewTask alsoMine = task("also-mine", "echo", 0, now);
		List<NewTask> tasks = List.of(mine, alsoMine);
		boolean postgres = this.dialect.platform().equals("postgresql");
		assertThat(this.store.canInsertAndClaim(tasks)).isEqualTo(postgres);

		List<ClaimedTask> claimed = this.store.insertAndClaim(tasks, "default", 2, "w", now.plusSeconds(1),
				now.plusSeconds(60));

		if (!postgres) {
			assertThat(claimed).isNull();
			assertThat(this.store.find(mine.id())).isEmpty();
			return;
		}
		assertThat(claimed).extracting(ClaimedTask::id).containsExactly(urgent.id(), mine.id());
		assertThat(claimed).allSatisfy((task) -> assertThat(task.attempt()).isEqualTo(1));
		assertThat(this.store.find(alsoMine.id())).hasValueSatisfying(
				(state) -> assertThat(state.status()).isEqualTo(TaskStatus.READY));
		assertThat(this.store.find(mine.id())).hasValueSatisfying(
				(state) -> assertThat(state.status()).isEqualTo(TaskStatus.RUNNING));
	}

	@Test
	void anInsertThatClaimsIsNotForACallersTransactionNorForKeyedTasks() {
		Instant now = Instant.now();
		NewTask task = task("in-transaction", "echo", 0, now);
		Boolean inTransaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource))
			.execute((status) -> this.store.canInsertAndClaim(List.of(task)));
		NewTask keyed = new NewTask(UUID.randomUUID(), "echo", "default", 0, now, "\"keyed\"", "keyed",
				TaskOptions.NONE, Set.of(), Set.of(), null, now);

		assertThat(inTransaction).isFalse();
		assertThat(this.store.canInsertAndClaim(List.of(keyed))).isFalse();
		assertThat(this.store.insertAndClaim(List.of(keyed), "default", 1, "w", now, now.plusSeconds(60))).isNull();
		assertThat(this.store.find(keyed.id())).isEmpty();
	}

	@Test
	void claimReturnsTasksInClaimOrder() {
		Instant now = Instant.now();
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			tasks.add(task("t" + i, "echo", i % 3, now.minusSeconds(100 - (i * 7L) % 20)));
		}
		Collections.shuffle(tasks);
		insert(tasks.toArray(NewTask[]::new));
		List<UUID> expected = tasks.stream()
			.sorted(Comparator.comparingInt(NewTask::priority).reversed().thenComparing(NewTask::runAt))
			.map(NewTask::id)
			.toList();
		List<UUID> claimed = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			this.store.claim("default", 5, "w", now, now.plusSeconds(60)).forEach((task) -> claimed.add(task.id()));
		}
		// Ties of priority and due time go by id, in the database's order of ids
		assertThat(claimed).hasSize(20);
		assertThat(claimed).extracting((id) -> priorityAndDueTime(tasks, id))
			.containsExactlyElementsOf(expected.stream().map((id) -> priorityAndDueTime(tasks, id)).toList());
	}

	@Test
	void taskThatTurnsReadyBehindWhereTheLastFullClaimEndedIsClaimedWhileOthersAreStillReady() {
		// A late commit or a released child sits before the position of the last full claim
		Instant now = Instant.now();
		assertClaimedWhileOthersAreStillReady(task("late", "echo", 0, now.minusSeconds(120)), now);
	}

	@Test
	void higherPriorityTaskEnqueuedWhileClaimsGoOnIsClaimedWhileLowerOnesAreStillReady() {
		Instant now = Instant.now();
		assertClaimedWhileOthersAreStillReady(task("urgent", "echo", 9, now.minusSeconds(1)), now);
	}

	@Test
	void taskThatTurnsReadyBehindTheLastClaimIsClaimedNextWhenThatClaimCameBackShort() {
		Instant now = Instant.now();
		insert(task("a", "echo", 0, now.minusSeconds(10)), task("b", "echo", 0, now.minusSeconds(9)));
		assertThat(this.store.claim("default", 5, "w", now, now.plusSeconds(60))).hasSize(2);
		NewTask urgent = task("urgent", "echo", 9, now.minusSeconds(20));
		insert(urgent);
		assertThat(this.store.claim("default", 5, "w", now, now.plusSeconds(60))).extracting(ClaimedTask::id)
			.containsExactly(urgent.id());
	}

	/**
	 * Starts claiming a queue of 40 tasks in full claims, then inserts a task that comes
	 * before the last claim's position, and asserts it is claimed before the queue runs dry.
	 */
	private void assertClaimedWhileOthersAreStillReady(NewTask behind, Instant now) {
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			tasks.add(task("t" + i, "echo", 0, now.minusSeconds(60).plusMillis(i)));
		}
		insert(tasks.toArray(NewTask[]::new));
		assertThat(this.store.claim("default", 5, "w", now, now.plusSeconds(60))).hasSize(5);
		insert(behind);
		await().atMost(WAIT).until(() -> this.store.claim("default", 1, "w", now, now.plusSeconds(60))
			.stream()
			.anyMatch((task) -> task.id().equals(behind.id())));
		assertThat(countWithStatus(TaskStatus.READY)).isPositive();
	}

	@Test
	void twoConcurrentClaimersNeverClaimTheSameTask() throws Exception {
		Instant now = Instant.now();
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			tasks.add(task("t" + i, "echo", i % 3, now.minusMillis(i)));
		}
		this.store.insert(tasks, true);
		ExecutorService claimers = Executors.newFixedThreadPool(2);
		AtomicInteger total = new AtomicInteger();
		long deadline = System.nanoTime() + WAIT.toNanos();
		try {
			List<Future<List<UUID>>> results = new ArrayList<>();
			for (String worker : List.of("w1", "w2")) {
				results.add(claimers.submit(() -> {
					List<UUID> claimed = new ArrayList<>();
					while (total.get() < 600 && System.nanoTime() < deadline) {
						List<ClaimedTask> batch = this.store.claim("default", 25, worker, now, now.plusSeconds(60));
						batch.forEach((task) -> claimed.add(task.id()));
						total.addAndGet(batch.size());
					}
					return claimed;
				}));
			}
			List<UUID> all = new ArrayList<>(results.get(0).get(60, TimeUnit.SECONDS));
			all.addAll(results.get(1).get(60, TimeUnit.SECONDS));
			assertThat(all).hasSize(600).doesNotHaveDuplicates();
		}
		finally {
			claimers.shutdownNow();
		}
		assertThat(countWithStatus(TaskStatus.RUNNING)).isEqualTo(600);
	}

	@Test
	void outcomeOfAnAttemptThatWasHandedBackChangesNothing() {
		Instant now = Instant.now();
		NewTask parent = task("p", "echo", 0, now);
		NewTask child = new NewTask(UUID.randomUUID(), "echo", "default", 0, now, "\"c\"", null, TaskOptions.NONE,
				Set.of(parent.id()), Set.of(), null, now);
		insert(parent, child);
		ClaimedTask claimed = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(this.store.handBack(List.of(claimed), "other-worker")).isZero();
		assertThat(this.store.handBack(List.of(claimed), "w")).isOne();
		assertThat(this.store.complete(List.of(succeeded(claimed, "1")), now))
			.isEqualTo(new Completion(List.of(), false));
		assertThat(this.store.find(parent.id()).get().status()).isEqualTo(TaskStatus.READY);
		assertThat(this.store.find(parent.id()).get().attempts()).isZero();
		assertThat(this.store.find(child.id()).get().status()).isEqualTo(TaskStatus.WAITING);
		ClaimedTask again = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(again.attempt()).isEqualTo(claimed.attempt()).isOne();
		this.store.complete(List.of(failed(claimed, "handed back", null)), now);
		assertThat(this.store.find(parent.id()).get().status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(this.store.find(parent.id()).get().errors()).isEmpty();
		TaskOutcome current = succeeded(again, "1");
		assertThat(this.store.complete(List.of(current), now)).isEqualTo(new Completion(List.of(current), true));
		assertThat(this.store.find(child.id()).get().status()).isEqualTo(TaskStatus.READY);
	}

	@Test
	void outcomeOfAnAttemptWhoseClaimWasLostIsDiscardedAndTheCurrentOneWins() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		loseClaim(task.id());
		ClaimedTask current = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(current.attempt()).isEqualTo(stale.attempt()).isOne();
		this.store.complete(List.of(failed(stale, "stale", null)), now);
		TaskState running = this.store.find(task.id()).get();
		assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(running.errorMessage()).isNull();
		assertThat(running.errors()).isEmpty();
		this.store.complete(List.of(succeeded(current, "\"done\"")), now);
		TaskState succeeded = this.store.find(task.id()).get();
		assertThat(succeeded.status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(succeeded.result(String.class)).isEqualTo("done");
		assertThat(succeeded.errorMessage()).isNull();
		assertThat(succeeded.errors()).isEmpty();
	}

	@Test
	void attemptWhoseClaimWasLostNoLongerHoldsItsTask() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		loseClaim(task.id());
		ClaimedTask current = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(this.store.renew(List.of(stale), "w", now.plusSeconds(120))).containsExactly(task.id());
		assertThat(this.store.renew(List.of(current), "w", now.plusSeconds(120))).isEmpty();
	}

	@Test
	void attemptWhoseClaimWasLostWritesNoProgressAndTheCurrentOneDoes() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		loseClaim(task.id());
		ClaimedTask current = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(this.store.writeProgress(List.of(progress(stale, 0.9, "stale", now)))).isZero();
		assertThat(this.store.find(task.id()).get().progress()).isNull();
		assertThat(this.store.writeProgress(List.of(progress(current, 0.5, "half", now)))).isOne();
		TaskProgress progress = this.store.find(task.id()).get().progress();
		assertThat(progress).isNotNull();
		assertThat(progress.fraction()).isEqualTo(0.5);
		assertThat(progress.message()).isEqualTo("half");
		assertThat(progress.reportedAt()).isEqualTo(now.truncatedTo(ChronoUnit.MICROS));
		this.store.complete(List.of(succeeded(current, null)), now);
		assertThat(this.store.writeProgress(List.of(progress(current, 1.0, "after the end", now)))).isZero();
		assertThat(this.store.find(task.id()).get().progress().message()).isEqualTo("half");
	}

	@Test
	void progressIsWrittenInIdOrderAsOutcomesAndLeaseRenewalsLockTheirRows() {
		List<String> written = new CopyOnWriteArrayList<>();
		DataSource recording = new DelegatingDataSource(this.dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				return recordingProgressIds(super.getConnection(), written);
			}

		};
		JdbcTaskStore store = new JdbcTaskStore(recording, this.dialect, this.prefix, new PayloadCodec(mapper),
				"test-node", TaskQueueMetrics.of(null));
		Instant now = Instant.now();
		this.store.insert(List.of(newTask(now), newTask(now), newTask(now), newTask(now), newTask(now)), true);
		List<ClaimedTask> claimed = this.store.claim("default", 5, "w", now, now.plusSeconds(60));
		// Backwards, as a hash map may hand them over
		List<ProgressReport> reports = claimed.stream()
			.sorted(Comparator.comparing((ClaimedTask task) -> task.id().toString()).reversed())
			.map((task) -> progress(task, 0.5, "half", now))
			.toList();
		assertThat(store.writeProgress(reports)).isEqualTo(5);
		assertThat(written).containsExactlyElementsOf(claimed.stream().map((task) -> task.id().toString()).sorted().toList());
	}

	@Test
	void progressReportedEarlierThanTheOneWrittenChangesNothingAndLongMessagesAreCut() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask claimed = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		String longMessage = "x".repeat(TaskProgress.MAX_MESSAGE_LENGTH + 50);
		assertThat(this.store.writeProgress(List.of(progress(claimed, 0.6, longMessage, now)))).isOne();
		assertThat(this.store.writeProgress(List.of(progress(claimed, 0.3, "older", now.minusSeconds(1))))).isZero();
		TaskProgress progress = this.store.find(task.id()).get().progress();
		assertThat(progress.fraction()).isEqualTo(0.6);
		assertThat(progress.message()).hasSize(TaskProgress.MAX_MESSAGE_LENGTH).endsWith("\u2026");
	}

	@Test
	void postponedTaskIsDueLaterWithoutCountingItsAttemptUnlessItsClaimWasLost() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		loseClaim(task.id());
		ClaimedTask current = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		Instant later = now.plusSeconds(30);
		TaskOutcome.Postponed late = new TaskOutcome.Postponed(stale.id(), stale.attempt(), stale.claimToken(), null,
				later);
		assertThat(this.store.complete(List.of(late), now).current()).isEmpty();
		assertThat(this.store.find(task.id()).get().status()).isEqualTo(TaskStatus.RUNNING);
		TaskOutcome.Postponed postponed = new TaskOutcome.Postponed(current.id(), current.attempt(),
				current.claimToken(), null, later);
		assertThat(this.store.complete(List.of(postponed), now).current()).containsExactly(postponed);
		TaskState waiting = this.store.find(task.id()).get();
		assertThat(waiting.status()).isEqualTo(TaskStatus.READY);
		assertThat(waiting.attempts()).isZero();
		assertThat(waiting.errors()).isEmpty();
		assertThat(this.store.claim("default", 1, "w", now, now.plusSeconds(60))).isEmpty();
		ClaimedTask again = this.store.claim("default", 1, "w", later, later.plusSeconds(60)).get(0);
		assertThat(again.attempt()).isOne();
	}

	@Test
	void handBackOfAnAttemptWhoseClaimWasLostChangesNothing() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		loseClaim(task.id());
		ClaimedTask current = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(this.store.handBack(List.of(stale), "w")).isZero();
		TaskState running = this.store.find(task.id()).get();
		assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(running.attempts()).isOne();
		this.store.complete(List.of(succeeded(current, null)), now);
		assertThat(this.store.find(task.id()).get().status()).isEqualTo(TaskStatus.SUCCEEDED);
	}

	@Test
	void attemptTakenBackAfterItsLeaseLapsedNoLongerHoldsItsTaskNorEndsIt() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask stale = this.store.claim("default", 1, "w", now, now.plusSeconds(1)).get(0);
		Instant later = now.plusSeconds(2);
		assertThat(this.store.rescue(later, 10, (lapsed) -> failed(lapsed, "lease expired", later))).isOne();
		ClaimedTask current = this.store.claim("default", 1, "w", later, later.plusSeconds(60)).get(0);
		assertThat(current.attempt()).isEqualTo(2);
		assertThat(this.store.renew(List.of(stale), "w", later.plusSeconds(60))).containsExactly(task.id());
		this.store.complete(List.of(failed(stale, "stale", null)), later);
		this.store.complete(List.of(succeeded(current, null)), later);
		TaskState succeeded = this.store.find(task.id()).get();
		assertThat(succeeded.status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(succeeded.errors()).extracting(TaskError::message).containsExactly("lease expired");
	}

	@Test
	void taskClaimedBeforeClaimsHadTokensIsTakenBackOnceItsLeaseLapsed() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		this.store.claim("default", 1, "w", now, now.plusSeconds(1));
		new JdbcTemplate(this.dataSource).update("UPDATE " + this.prefix + "TASK SET claim_token = NULL WHERE id = ?",
				(ps) -> this.dialect.setId(ps, 1, task.id()));
		Instant later = now.plusSeconds(2);
		assertThat(this.store.rescue(later, 10, (lapsed) -> failed(lapsed, "lease expired", null))).isOne();
		assertThat(this.store.find(task.id()).get().status()).isEqualTo(TaskStatus.FAILED);
	}

	@Test
	void outcomeOfACancelledTaskChangesNothing() {
		Instant now = Instant.now();
		NewTask task = task("p", "echo", 0, now);
		insert(task);
		ClaimedTask claimed = this.store.claim("default", 1, "w", now, now.plusSeconds(60)).get(0);
		assertThat(this.store.cancel(task.id(), now)).isTrue();
		this.store.complete(List.of(succeeded(claimed, "1")), now);
		assertThat(this.store.find(task.id()).get().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	@Test
	void completionReportsTheOutcomesOfCurrentAttemptsOnly() {
		Instant now = Instant.now();
		NewTask retried = task("r", "echo", 0, now);
		NewTask failed = task("f", "echo", 0, now);
		NewTask stale = task("s", "echo", 0, now);
		insert(retried, failed, stale);
		List<ClaimedTask> claimed = this.store.claim("default", 3, "w", now, now.plusSeconds(60));
		assertThat(this.store.handBack(claimed.stream().filter((task) -> task.id().equals(stale.id())).toList(), "w"))
			.isOne();
		List<TaskOutcome> outcomes = claimed.stream()
			.map((task) -> (TaskOutcome) failed(task, "broken",
					task.id().equals(retried.id()) ? now.plusSeconds(60) : null))
			.toList();
		assertThat(this.store.complete(outcomes, now).current()).extracting(TaskOutcome::id)
			.containsExactlyInAnyOrder(retried.id(), failed.id());
		assertThat(this.store.find(retried.id()).get().status()).isEqualTo(TaskStatus.READY);
		assertThat(this.store.find(failed.id()).get().status()).isEqualTo(TaskStatus.FAILED);
		assertThat(this.store.find(stale.id()).get().status()).isEqualTo(TaskStatus.READY);
	}

	@Test
	void childWithTwoParentsCompletedInOneBatchIsReleasedOnce() {
		Instant now = Instant.now();
		NewTask left = task("l", "echo", 0, now);
		NewTask right = task("r", "echo", 0, now);
		NewTask child = new NewTask(UUID.randomUUID(), "echo", "default", 0, now, "\"c\"", null,
				TaskOptions.NONE, Set.of(left.id(), right.id()), Set.of(), null, now);
		insert(left, right, child);
		List<ClaimedTask> claimed = this.store.claim("default", 2, "w", now, now.plusSeconds(60));
		assertThat(claimed).hasSize(2);
		this.store.complete(claimed.stream()
			.map((task) -> succeeded(task, null))
			.toList(), now);
		assertThat(this.store.find(child.id()).get().status()).isEqualTo(TaskStatus.READY);
		assertThat(this.store.claim("default", 5, "w", now, now.plusSeconds(60))).extracting(ClaimedTask::id)
			.containsExactly(child.id());
	}

	@Test
	void gracefulShutdownHandsUnfinishedTasksBackWithoutCountingAnAttempt() {
		TaskQueueEngine engine = engine((builder) -> builder.shutdownTimeout(Duration.ofMillis(200)));
		TaskRef ref = engine.queue().enqueue("gate", "held");
		awaitGateEntered();
		engine.stop();
		TaskState state = engine.queue().find(ref.id()).get();
		assertThat(state.status()).isEqualTo(TaskStatus.READY);
		assertThat(state.attempts()).isZero();
		Gate.reset();
		Gate.open.countDown();
		TaskQueue other = start();
		awaitStatus(other, ref.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void enqueueOnlyNodeRunsNothing() {
		TaskQueueEngine enqueueOnly = engine((builder) -> builder.workerEnabled(false));
		TaskRef ref = enqueueOnly.queue().enqueue("echo", "waits");
		assertThat(enqueueOnly.workerId()).isNull();
		assertThat(enqueueOnly.queue().find(ref.id()).get().status()).isEqualTo(TaskStatus.READY);
		start();
		awaitStatus(enqueueOnly.queue(), ref.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void taskRunsOnAnotherNodeThanTheOneThatEnqueuedIt() {
		TaskQueueEngine enqueueOnly = engine((builder) -> builder.workerEnabled(false));
		start();
		TaskRef ref = enqueueOnly.queue().enqueue("echo", "elsewhere");
		awaitStatus(enqueueOnly.queue(), ref.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void instantsRoundTripExactlyInANonUtcTimeZone() {
		TimeZone original = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
		try {
			Instant runAt = Instant.parse("2031-03-09T07:30:15.123456Z");
			NewTask task = task("tz", "echo", 0, runAt);
			insert(task);
			assertThat(this.store.find(task.id()).get().runAt()).isEqualTo(runAt);
		}
		finally {
			TimeZone.setDefault(original);
		}
	}

	private TaskQueue start() {
		return engine((builder) -> {
		}).queue();
	}

	private TaskQueueEngine engine(Consumer<TaskQueueEngine.Builder> customizer) {
		TaskQueueEngine.Builder builder = TaskQueueEngine.builder(this.dataSource, this.registry, mapper)
			.tablePrefix(this.prefix)
			.pollInterval(Duration.ofMillis(200));
		customizer.accept(builder);
		TaskQueueEngine engine = builder.build();
		engine.start();
		this.engines.add(engine);
		return engine;
	}

	@SuppressWarnings("unchecked")
	private void register(String type, Class<?> payloadType, TaskHandler<?> handler) {
		this.registry.register(type, handler, payloadType, TaskTypeSettings.NONE, "test handler '" + type + "'");
	}

	private TaskState awaitStatus(TaskQueue queue, UUID id, TaskStatus status) {
		await().atMost(WAIT).until(() -> queue.find(id).map(TaskState::status).orElse(null) == status);
		return queue.find(id).get();
	}

	private void awaitGateEntered() {
		await().atMost(WAIT).until(() -> Gate.entered.getCount() == 0);
	}

	private int activeCount() {
		return countWithStatus(TaskStatus.RUNNING);
	}

	private NewTask task(String payload, String type, int priority, Instant runAt) {
		return new NewTask(UUID.randomUUID(), type, "default", priority, runAt.truncatedTo(ChronoUnit.MICROS),
				"\"" + payload + "\"", null, TaskOptions.NONE, Set.of(), Set.of(), null, runAt.truncatedTo(ChronoUnit.MICROS));
	}

	private static String priorityAndDueTime(List<NewTask> tasks, UUID id) {
		NewTask task = tasks.stream().filter((candidate) -> candidate.id().equals(id)).findFirst().orElseThrow();
		return task.priority() + "@" + task.runAt();
	}

	private static TaskOutcome succeeded(ClaimedTask task, String result) {
		return new TaskOutcome.Succeeded(task.id(), task.attempt(), task.claimToken(), null, result);
	}

	/** Records the task ids of progress writes, in the order they are sent. */
	private static Connection recordingProgressIds(Connection connection, List<String> ids) {
		return proxy(Connection.class, connection, (method, result, args) -> {
			if (method.getName().equals("prepareStatement") && ((String) args[0]).contains("SET progress")) {
				return proxy(PreparedStatement.class, (PreparedStatement) result, (set, done, parameter) -> {
					if (set.getName().startsWith("set") && parameter != null && parameter.length == 2
							&& Integer.valueOf(4).equals(parameter[0])) {
						ids.add(String.valueOf(parameter[1]));
					}
					return done;
				});
			}
			return result;
		});
	}

	/** The tests' database, handing out connections out of auto-commit mode whose calls pass the interception. */
	private DataSource outOfAutoCommitMode(Interception interception) {
		return new DelegatingDataSource(this.dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				connection.setAutoCommit(false);
				return proxy(Connection.class, connection, interception);
			}

		};
	}

	private static <T> T proxy(Class<T> type, T target, Interception interception) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
			try {
				return interception.after(method, method.invoke(target, args), args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}));
	}

	@FunctionalInterface
	private interface Interception {

		Object after(Method method, Object result, Object[] args) throws SQLException;

	}

	private static ProgressReport progress(ClaimedTask task, double fraction, String message, Instant at) {
		return new ProgressReport(task.id(), task.claimToken(), fraction, message, at);
	}

	private static TaskOutcome.Failed failed(ClaimedTask task, String message, Instant retryAt) {
		return new TaskOutcome.Failed(task.id(), task.attempt(), task.claimToken(), null, message, message, retryAt);
	}

	/**
	 * Puts a claimed task back as it was before its claim, as a database crash that lost the
	 * claim's asynchronous commit does.
	 */
	private void loseClaim(UUID id) {
		new JdbcTemplate(this.dataSource).update("UPDATE " + this.prefix + "TASK SET status = 'READY', attempts = 0, "
				+ "worker = NULL, started_at = NULL, lease_until = NULL, claim_token = NULL WHERE id = ?", (ps) -> this.dialect.setId(ps, 1, id));
	}

	private void insert(NewTask... tasks) {
		this.store.insert(List.of(tasks), true);
	}

	private int taskCount() {
		return new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM " + this.prefix + "TASK",
				Integer.class);
	}

	private int countWithStatus(TaskStatus status) {
		return new JdbcTemplate(this.dataSource).queryForObject(
				"SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE status = ?", Integer.class, status.name());
	}

	record Point(int x, int y) {
	}

	static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be read");
		}

	}

	/** Holds "gate" tasks until a test opens it. */
	static final class Gate {

		static volatile CountDownLatch entered = new CountDownLatch(1);

		static volatile CountDownLatch open = new CountDownLatch(1);

		static volatile CountDownLatch interrupted = new CountDownLatch(1);

		static volatile boolean interruptedWhileCancelled;

		static void reset() {
			entered = new CountDownLatch(1);
			open = new CountDownLatch(1);
			interrupted = new CountDownLatch(1);
			interruptedWhileCancelled = false;
		}

	}

}

package dev.taskqueue.engine;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What an application's own JDBC transactions see of the queue on every supported
 * database: calls join them and are undone with them, a unique key finds its holder at
 * every isolation level, and deduplication logs nothing. Each database's subclass supplies
 * a DataSource.
 */
abstract class CallerTransactionContractTests {

	private TestNodes nodes;

	private TaskQueue queue;

	private JdbcTemplate jdbc;

	private TransactionTemplate transaction;

	private String visits;

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		this.queue = this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
		this.jdbc = new JdbcTemplate(this.nodes.dataSource());
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(this.nodes.dataSource()));
		this.visits = this.nodes.prefix() + "VISIT";
		this.jdbc.execute("CREATE TABLE " + this.visits + " (name VARCHAR(100))");
	}

	@AfterEach
	void closeNodes() {
		this.jdbc.execute("DROP TABLE " + this.visits);
		this.nodes.close();
	}

	@Test
	void rollbackAfterEnqueueLeavesNeitherTheTaskNorTheBusinessRow() {
		UUID id = inRolledBackTransaction(() -> this.queue.enqueue(echo("a")).id());
		assertThat(this.queue.find(id)).isEmpty();
		assertThat(visitCount()).isZero();
	}

	@Test
	void commitAfterEnqueueKeepsTheTaskAndTheBusinessRow() {
		UUID id = this.transaction.execute((status) -> {
			visit();
			return this.queue.enqueue(echo("a")).id();
		});
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		assertThat(visitCount()).isOne();
	}

	@Test
	void rollbackAfterStartingAJobLeavesNoJob() {
		UUID jobId = inRolledBackTransaction(
				() -> this.queue.startJob(JobRequest.builder("visits").tasks(echo("a")).build()).id());
		assertThat(this.queue.findJob(jobId)).isEmpty();
		assertThat(this.nodes.count(null)).isZero();
	}

	@Test
	void rollbackAfterCancellingLeavesTheTaskReady() {
		UUID id = this.queue.enqueue(echo("a")).id();
		inRolledBackTransaction(() -> this.queue.cancel(id));
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
	}

	@Test
	void rollbackAfterRetryingLeavesTheTaskCancelled() {
		UUID id = this.queue.enqueue(echo("a")).id();
		this.queue.cancel(id);
		inRolledBackTransaction(() -> this.queue.retry(id));
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	@Test
	void withinATransactionOnAnotherDataSourceTheQueueWritesInATransactionOfItsOwn() {
		DataSource other = TestDatabases.h2();
		TransactionTemplate otherTransaction = new TransactionTemplate(new DataSourceTransactionManager(other));
		UUID jobId = UUID.randomUUID();
		TaskRequest added = echo("a");
		otherTransaction.executeWithoutResult((status) -> {
			// Binds a connection of the queue's DataSource, in auto-commit mode, to the transaction
			visit();
			assertThatExceptionOfType(JobNotFoundException.class)
				.isThrownBy(() -> this.queue.addToJob(jobId, List.of(added)));
			status.setRollbackOnly();
		});
		assertThat(this.queue.find(added.id())).isEmpty();
		assertThat(visitCount()).isOne();
	}

	@Test
	void enqueueOfAHeldKeyReturnsTheHolder() {
		UUID holder = this.queue.enqueue(keyed("k")).id();
		assertThat(this.queue.enqueue(keyed("k")).id()).isEqualTo(holder);
		assertThat(this.nodes.count(null)).isOne();
	}

	@ParameterizedTest
	@ValueSource(ints = { TransactionDefinition.ISOLATION_READ_UNCOMMITTED, TransactionDefinition.ISOLATION_READ_COMMITTED,
			TransactionDefinition.ISOLATION_REPEATABLE_READ, TransactionDefinition.ISOLATION_SERIALIZABLE })
	void enqueueOfAKeyCommittedAfterTheCallersSnapshotReturnsTheHolder(int isolation) throws Exception {
		TransactionTemplate caller = new TransactionTemplate(this.transaction.getTransactionManager());
		caller.setIsolationLevel(isolation);
		UUID[] holder = new UUID[1];
		UUID id = caller.execute((status) -> {
			// Takes the snapshot, from a table that the other enqueue does not lock
			assertThat(visitCount()).isZero();
			holder[0] = enqueueElsewhere(keyed("k"));
			visit();
			return this.queue.enqueue(keyed("k")).id();
		});
		assertThat(id).isEqualTo(holder[0]);
		assertThat(this.nodes.count(null)).isOne();
		assertThat(visitCount()).isOne();
	}

	@Test
	void enqueueAllOfKeysReturnsTheHoldersOfHeldKeysAndInsertsTheRest() {
		UUID holder = this.queue.enqueue(keyed("held")).id();
		List<TaskRequest> requests = List.of(keyed("new"), keyed("held"), TaskRequest.of("echo", "plain"),
				keyed("new"), keyed("other"));
		List<UUID> ids = this.queue.enqueueAll(requests).stream().map(TaskRef::id).toList();
		assertThat(ids).containsExactly(requests.get(0).id(), holder, requests.get(2).id(), requests.get(0).id(),
				requests.get(4).id());
		assertThat(this.nodes.count(null)).isEqualTo(4);
	}

	@Test
	void enqueueAllOfKeysNoTaskHoldsInsertsEveryTaskAndTheirKeysAreHeldAfterwards() {
		List<TaskRequest> requests = List.of(keyed("a"), keyed("b"), TaskRequest.of("echo", "plain"), keyed("c"));
		List<UUID> ids = this.queue.enqueueAll(requests).stream().map(TaskRef::id).toList();
		assertThat(ids).containsExactlyElementsOf(requests.stream().map(TaskRequest::id).toList());
		assertThat(this.nodes.count(null)).isEqualTo(4);
		List<TaskRequest> again = List.of(keyed("c"), keyed("a"), keyed("d"));
		assertThat(this.queue.enqueueAll(again).stream().map(TaskRef::id).toList())
			.containsExactly(requests.get(3).id(), requests.get(0).id(), again.get(2).id());
		assertThat(this.nodes.count(null)).isEqualTo(5);
	}

	@ParameterizedTest
	@ValueSource(ints = { TransactionDefinition.ISOLATION_READ_COMMITTED, TransactionDefinition.ISOLATION_REPEATABLE_READ,
			TransactionDefinition.ISOLATION_SERIALIZABLE })
	void enqueueAllOfKeysOneCommittedAfterTheCallersSnapshotReturnsItsHolder(int isolation) throws Exception {
		TransactionTemplate caller = new TransactionTemplate(this.transaction.getTransactionManager());
		caller.setIsolationLevel(isolation);
		UUID[] holder = new UUID[1];
		List<TaskRequest> requests = List.of(keyed("late"), keyed("fresh"));
		List<UUID> ids = caller.execute((status) -> {
			// Takes the snapshot, from a table that the other enqueue does not lock
			assertThat(visitCount()).isZero();
			holder[0] = enqueueElsewhere(keyed("late"));
			visit();
			return this.queue.enqueueAll(requests).stream().map(TaskRef::id).toList();
		});
		assertThat(ids).containsExactly(holder[0], requests.get(1).id());
		assertThat(this.nodes.count(null)).isEqualTo(2);
		assertThat(visitCount()).isOne();
	}

	@Test
	void deduplicatedEnqueueLogsNothingAtWarnOrAbove() throws Exception {
		// The test logging configuration silences the MariaDB driver's error logger: as shipped, it logs at WARN
		try (LogCapture driver = LogCapture.of("org.mariadb.jdbc.message.server.ErrorPacket", Level.WARN);
				LogCapture log = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
			UUID holder = this.queue.enqueue(keyed("quiet-key")).id();
			assertThat(this.queue.enqueue(keyed("quiet-key")).id()).isEqualTo(holder);
			assertThat(this.queue.enqueueAll(List.of(keyed("quiet-key"), keyed("quiet-key"))))
				.allSatisfy((ref) -> assertThat(ref.id()).isEqualTo(holder));
			UUID inTransaction = this.transaction.execute((status) -> {
				assertThat(enqueueElsewhere(keyed("other-quiet-key"))).isNotNull();
				return this.queue.enqueue(keyed("other-quiet-key")).id();
			});
			assertThat(inTransaction).isNotNull();
			assertThat(log.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.extracting(ILoggingEvent::getFormattedMessage)
				.noneMatch((message) -> message.contains("quiet-key"));
		}
	}

	private <T> T inRolledBackTransaction(Supplier<T> work) {
		T result = this.transaction.execute((status) -> {
			visit();
			T value = work.get();
			status.setRollbackOnly();
			return value;
		});
		assertThat(visitCount()).isZero();
		return result;
	}

	/** Enqueues on another thread, outside the caller's transaction, and waits for its commit. */
	private UUID enqueueElsewhere(TaskRequest request) {
		try {
			return CompletableFuture.supplyAsync(() -> this.queue.enqueue(request).id()).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void visit() {
		this.jdbc.update("INSERT INTO " + this.visits + " (name) VALUES ('Ada')");
	}

	private int visitCount() {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.visits, Integer.class);
		return (count != null) ? count : 0;
	}

	private static TaskRequest echo(String payload) {
		return TaskRequest.builder("echo").payload(payload).build();
	}

	private static TaskRequest keyed(String key) {
		return TaskRequest.builder("echo").payload(key).key(key).build();
	}

}

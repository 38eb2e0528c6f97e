package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.SavepointManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.AfterCommit;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * What the parts of a {@link JdbcTaskStore} share: the task tables and the statements of
 * their dialect, the two kinds of transaction, notifications, the counting of tasks inserted
 * and cancelled, and binding of ids and batches.
 */
final class JdbcSupport {

	/** Most ids (or claims) one {@code IN} list holds. */
	private static final int MAX_IDS = 500;

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final PayloadCodec codec;

	private final TransactionTemplate ownTransaction;

	private final TransactionTemplate workerTransaction;

	private final TransactionTemplate snapshotTransaction;

	private final String channel;

	private final String nodeId;

	private final TaskQueueMetrics metrics;

	JdbcSupport(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec, String nodeId,
			TaskQueueMetrics metrics) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.sql = new Statements(dialect, tablePrefix);
		this.rowMapper = new TaskRowMapper(dialect, codec);
		this.codec = codec;
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.workerTransaction = new TransactionTemplate(transactionManager);
		this.workerTransaction.setIsolationLevel(dialect.workerIsolation());
		this.snapshotTransaction = new TransactionTemplate(transactionManager);
		this.snapshotTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.channel = JdbcTaskStore.channel(tablePrefix);
		this.nodeId = nodeId;
		this.metrics = metrics;
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	Dialect dialect() {
		return this.dialect;
	}

	Statements sql() {
		return this.sql;
	}

	TaskRowMapper rowMapper() {
		return this.rowMapper;
	}

	PayloadCodec codec() {
		return this.codec;
	}

	/**
	 * Run a write an application makes (enqueue, cancel, retry, jobs) in the transaction that
	 * the application's transaction manager has open on the DataSource, whichever manager that
	 * is, without ever committing or rolling it back; else in a transaction of its own.
	 * @param work the write, given savepoints in its transaction
	 * @return what the write returns
	 */
	<T> T inCallerTransaction(Function<SavepointManager, T> work) {
		ConnectionHolder caller = callerConnection();
		if (caller != null) {
			return work.apply(new ConnectionSavepoints(caller));
		}
		return this.ownTransaction.execute(work::apply);
	}

	/**
	 * Run reads that must agree with each other, such as a job's row and the counts of its
	 * tasks, which change while they run: in the caller's transaction if it has one open on
	 * the DataSource, else in one of their own that reads a single snapshot.
	 * @param reads the reads
	 * @return what they return
	 */
	<T> T inOneSnapshot(Supplier<T> reads) {
		if (callerConnection() != null) {
			return reads.get();
		}
		T result = this.snapshotTransaction.execute((status) -> reads.get());
		Assert.state(result != null, "Reads returned nothing");
		return result;
	}

	/** Whether a write an application makes now joins its transaction. */
	boolean joinsCallerTransaction() {
		return callerConnection() != null;
	}

	/**
	 * The connection of the transaction open on the DataSource. A private transaction manager
	 * cannot tell: JPA binds the connection without marking a transaction active for
	 * {@link DataSourceTransactionManager}, which then commits it. A connection bound in
	 * auto-commit mode, as JDBC access within a transaction on another DataSource binds one,
	 * holds no transaction to join.
	 */
	private @Nullable ConnectionHolder callerConnection() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !(TransactionSynchronizationManager.getResource(this.dataSource) instanceof ConnectionHolder holder)
				|| holder.getConnectionHandle() == null) {
			return null;
		}
		try {
			return holder.getConnection().getAutoCommit() ? null : holder;
		}
		catch (SQLException ex) {
			throw new CannotCreateTransactionException("Could not read the auto-commit mode of the caller's connection",
					ex);
		}
	}

	/** Transactions for claims and completions, at the dialect's worker isolation. */
	TransactionTemplate workerTransaction() {
		return this.workerTransaction;
	}

	/**
	 * Wake listening nodes when the transaction commits; a no-op on databases that cannot.
	 * This node wakes itself without a round trip, so the payload names it.
	 */
	void notifyReady() {
		notify(this.nodeId);
	}

	/** Tell the nodes, when the transaction commits, that a running task was cancelled. */
	void notifyCancelled(UUID id) {
		notify(JdbcTaskStore.CANCEL_PREFIX + id);
	}

	private void notify(String payload) {
		if (this.sql.notify != null) {
			this.jdbc.query(this.sql.notify, (ps) -> setNotification(ps, 1, payload), (rs) -> null);
		}
	}

	/**
	 * Count the tasks an insert wrote, once the transaction that wrote them commits.
	 * @param tasks the tasks given to the insert
	 * @param ids the ids it returned: a task whose key another task held is not counted
	 */
	void inserted(List<NewTask> tasks, List<UUID> ids) {
		AfterCommit.run(() -> this.metrics.enqueued(tasks, ids));
	}

	/**
	 * Count tasks cancelled before they finished, once the transaction that cancelled them
	 * commits.
	 * @param tasks how many tasks of each type and queue
	 */
	void cancelled(Map<TypeAndQueue, Integer> tasks) {
		if (!tasks.isEmpty()) {
			AfterCommit.run(() -> tasks.forEach((task, count) -> this.metrics.finished(task.type(), task.queue(),
					TaskQueueMetrics.CANCELLED, count)));
		}
	}

	/** Binds the parameters of a notification that tasks are ready, from the given index on. */
	void setReadyNotification(PreparedStatement ps, int firstIndex) throws SQLException {
		setNotification(ps, firstIndex, this.nodeId);
	}

	private void setNotification(PreparedStatement ps, int firstIndex, String payload) throws SQLException {
		ps.setString(firstIndex, this.channel);
		ps.setString(firstIndex + 1, payload);
	}

	void setIds(PreparedStatement ps, int firstIndex, List<UUID> ids) throws SQLException {
		this.dialect.setIds(ps, firstIndex, ids);
	}

	/** Binds the id and claim token of each task, for {@link Statements#withClaims}. */
	void setClaims(PreparedStatement ps, int firstIndex, List<ClaimedTask> tasks) throws SQLException {
		for (int i = 0; i < tasks.size(); i++) {
			this.dialect.setId(ps, firstIndex + 2 * i, tasks.get(i).id());
			ps.setLong(firstIndex + 2 * i + 1, tasks.get(i).claimToken());
		}
	}

	static <T> BatchPreparedStatementSetter batch(List<T> items, ParameterSetter<T> setter) {
		return new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				setter.setValues(ps, items.get(i));
			}

			@Override
			public int getBatchSize() {
				return items.size();
			}

		};
	}

	static List<Integer> indexes(int size) {
		return IntStream.range(0, size).boxed().toList();
	}

	static <T> List<List<T>> chunks(Collection<T> items) {
		List<T> all = new ArrayList<>(items);
		List<List<T>> chunks = new ArrayList<>();
		for (int start = 0; start < all.size(); start += MAX_IDS) {
			chunks.add(all.subList(start, Math.min(all.size(), start + MAX_IDS)));
		}
		return chunks;
	}

	/** JDBC savepoints on the connection of a caller's transaction. */
	private record ConnectionSavepoints(ConnectionHolder holder) implements SavepointManager {

		@Override
		public Object createSavepoint() {
			try {
				return this.holder.createSavepoint();
			}
			catch (SQLException ex) {
				throw new CannotCreateTransactionException("Could not create a savepoint in the caller's transaction",
						ex);
			}
		}

		@Override
		public void rollbackToSavepoint(Object savepoint) {
			try {
				this.holder.getConnection().rollback((Savepoint) savepoint);
			}
			catch (SQLException ex) {
				throw new TransactionSystemException("Could not roll back to a savepoint in the caller's transaction",
						ex);
			}
		}

		@Override
		public void releaseSavepoint(Object savepoint) {
			try {
				this.holder.getConnection().releaseSavepoint((Savepoint) savepoint);
			}
			catch (SQLException ex) {
				// As DataSourceTransactionManager does: some drivers cannot release savepoints
			}
		}

	}

	/** The tags a task is counted by. */
	record TypeAndQueue(String type, String queue) {
	}

	/** Binds one item's parameters. */
	@FunctionalInterface
	interface ParameterSetter<T> {

		void setValues(PreparedStatement ps, T item) throws SQLException;

	}

}

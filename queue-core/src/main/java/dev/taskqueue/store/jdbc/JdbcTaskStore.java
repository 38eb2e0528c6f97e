package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The {@link TaskStore} on a JDBC DataSource, with the SQL of its {@link Dialect}. Writes an
 * application makes (enqueue, cancel, retry) join the caller's Spring transaction on the same
 * DataSource; claims and completions are short transactions of their own, each for a whole
 * batch of tasks.
 *
 * @since 0.1.0
 */
public final class JdbcTaskStore implements TaskStore {

	/** Most ids one {@code IN} list holds. */
	private static final int MAX_IDS = 500;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final TransactionTemplate callerTransaction;

	private final TransactionTemplate workerTransaction;

	private final String channel;

	private final String nodeId;

	/**
	 * Create a store.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables, {@code TQ_} by default
	 * @param codec reads stored JSON
	 * @param nodeId the node's name, sent with its notifications so that it can ignore its own
	 */
	public JdbcTaskStore(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec,
			String nodeId) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.sql = new Statements(dialect, tablePrefix);
		this.rowMapper = new TaskRowMapper(dialect, codec);
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.callerTransaction = new TransactionTemplate(transactionManager);
		this.workerTransaction = new TransactionTemplate(transactionManager);
		this.workerTransaction.setIsolationLevel(dialect.workerIsolation());
		this.channel = channel(tablePrefix);
		this.nodeId = nodeId;
	}

	/**
	 * Return the channel on which this store announces ready tasks, for databases that
	 * notify.
	 * @param tablePrefix the table prefix
	 * @return the channel name
	 */
	public static String channel(String tablePrefix) {
		return (tablePrefix + "task").toLowerCase(Locale.ROOT);
	}

	@Override
	public void insert(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return;
		}
		this.callerTransaction.executeWithoutResult((transaction) -> {
			Map<UUID, TaskStatus> statuses = lockExternalParents(tasks);
			List<TaskStatus> initial = new ArrayList<>(tasks.size());
			List<Integer> pending = new ArrayList<>(tasks.size());
			List<UUID[]> edges = new ArrayList<>();
			boolean anyReady = false;
			for (NewTask task : tasks) {
				int waitingFor = 0;
				boolean cancelled = false;
				for (UUID parent : task.parents()) {
					TaskStatus parentStatus = statuses.get(parent);
					if (parentStatus == null) {
						throw new TaskNotFoundException(parent, "Parent task %s of task %s (type '%s') does not exist"
							.formatted(parent, task.id(), task.type()));
					}
					cancelled |= parentStatus == TaskStatus.CANCELLED;
					waitingFor += (parentStatus != TaskStatus.SUCCEEDED) ? 1 : 0;
					edges.add(new UUID[] { parent, task.id() });
				}
				TaskStatus status = cancelled ? TaskStatus.CANCELLED
						: (waitingFor > 0) ? TaskStatus.WAITING : TaskStatus.READY;
				if (status == TaskStatus.READY && !task.runAt().isAfter(task.createdAt())) {
					anyReady = true;
				}
				statuses.put(task.id(), status);
				initial.add(status);
				pending.add(waitingFor);
			}
			insertTasks(tasks, initial, pending);
			insertEdges(edges);
			if (anyReady) {
				notifyReady();
			}
		});
	}

	private Map<UUID, TaskStatus> lockExternalParents(List<NewTask> tasks) {
		Set<UUID> inBatch = new HashSet<>();
		Set<UUID> external = new LinkedHashSet<>();
		for (NewTask task : tasks) {
			task.parents().stream().filter((parent) -> !inBatch.contains(parent)).forEach(external::add);
			inBatch.add(task.id());
		}
		return lockParents(external);
	}

	private Map<UUID, TaskStatus> lockParents(Collection<UUID> parents) {
		Map<UUID, TaskStatus> statuses = new HashMap<>();
		for (List<UUID> chunk : chunks(parents)) {
			this.jdbc.query(Statements.withIds(this.sql.lockParents, chunk.size()), (ps) -> setIds(ps, 1, chunk),
					(rs) -> {
						statuses.put(this.dialect.getId(rs, "id"), TaskStatus.valueOf(rs.getString("status")));
					});
		}
		return statuses;
	}

	private void insertTasks(List<NewTask> tasks, List<TaskStatus> statuses, List<Integer> pending) {
		this.jdbc.batchUpdate(this.sql.insertTask, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				NewTask task = tasks.get(i);
				TaskStatus status = statuses.get(i);
				JdbcTaskStore.this.dialect.setId(ps, 1, task.id());
				ps.setString(2, task.type());
				ps.setString(3, task.queue());
				ps.setString(4, status.name());
				ps.setInt(5, task.priority());
				JdbcTaskStore.this.dialect.setInstant(ps, 6, task.runAt());
				ps.setInt(7, pending.get(i));
				ps.setString(8, task.payload());
				JdbcTaskStore.this.dialect.setInstant(ps, 9, task.createdAt());
				JdbcTaskStore.this.dialect.setInstant(ps, 10, (status == TaskStatus.CANCELLED) ? task.createdAt() : null);
			}

			@Override
			public int getBatchSize() {
				return tasks.size();
			}

		});
	}

	private void insertEdges(List<UUID[]> edges) {
		if (edges.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(this.sql.insertParent, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				JdbcTaskStore.this.dialect.setId(ps, 1, edges.get(i)[0]);
				JdbcTaskStore.this.dialect.setId(ps, 2, edges.get(i)[1]);
			}

			@Override
			public int getBatchSize() {
				return edges.size();
			}

		});
	}

	@Override
	public List<ClaimedTask> claim(String queue, int limit, String worker, Instant now, Instant leaseUntil) {
		if (limit <= 0) {
			return List.of();
		}
		List<ClaimedTask> claimed = this.workerTransaction.execute((transaction) -> claimInTransaction(queue, limit,
				worker, now, leaseUntil));
		return (claimed != null) ? claimed : List.of();
	}

	private List<ClaimedTask> claimInTransaction(String queue, int limit, String worker, Instant now,
			Instant leaseUntil) {
		return switch (this.dialect.claimShape()) {
			case UPDATE_RETURNING -> this.jdbc.execute(this.sql.claimReturning,
					(PreparedStatementCallback<List<ClaimedTask>>) (ps) -> {
						ps.setString(1, worker);
						this.dialect.setInstant(ps, 2, now);
						this.dialect.setInstant(ps, 3, leaseUntil);
						ps.setString(4, queue);
						this.dialect.setInstant(ps, 5, now);
						ps.setInt(6, limit);
						return claimedRows(ps);
					});
			case LOCK_THEN_UPDATE -> markRunning(this.jdbc.query(this.sql.claimLock, (ps) -> {
				ps.setString(1, queue);
				this.dialect.setInstant(ps, 2, now);
				ps.setInt(3, limit);
			}, (rs, rowNum) -> this.rowMapper.claimed(rs, 1)), worker, now, leaseUntil);
			case CANDIDATES_THEN_LOCK -> {
				List<UUID> candidates = this.jdbc.query(this.sql.claimCandidates, (ps) -> {
					ps.setString(1, queue);
					this.dialect.setInstant(ps, 2, now);
					ps.setInt(3, limit);
				}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
				yield candidates.isEmpty() ? List.<ClaimedTask>of()
						: markRunning(this.jdbc.query(Statements.withIds(this.sql.claimLock, candidates.size()),
								(ps) -> setIds(ps, 1, candidates), (rs, rowNum) -> this.rowMapper.claimed(rs, 1)),
								worker, now, leaseUntil);
			}
		};
	}

	/** Reads the rows a claim returned, after any results of statements sent with it. */
	private List<ClaimedTask> claimedRows(PreparedStatement ps) throws SQLException {
		boolean resultSet = ps.execute();
		while (!resultSet && ps.getUpdateCount() != -1) {
			resultSet = ps.getMoreResults();
		}
		List<ClaimedTask> claimed = new ArrayList<>();
		if (resultSet) {
			try (ResultSet rs = ps.getResultSet()) {
				while (rs.next()) {
					claimed.add(this.rowMapper.claimed(rs, 0));
				}
			}
		}
		return claimed;
	}

	private List<ClaimedTask> markRunning(List<ClaimedTask> locked, String worker, Instant now, Instant leaseUntil) {
		if (!locked.isEmpty()) {
			this.jdbc.update(Statements.withIds(this.sql.claimUpdate, locked.size()), (ps) -> {
				ps.setString(1, worker);
				this.dialect.setInstant(ps, 2, now);
				this.dialect.setInstant(ps, 3, leaseUntil);
				setIds(ps, 4, locked.stream().map(ClaimedTask::id).toList());
			});
		}
		return locked;
	}

	@Override
	public boolean complete(List<TaskOutcome> outcomes, Instant now) {
		List<TaskOutcome.Succeeded> succeeded = new ArrayList<>();
		List<TaskOutcome.Failed> failed = new ArrayList<>();
		for (TaskOutcome outcome : outcomes) {
			if (outcome instanceof TaskOutcome.Succeeded success) {
				succeeded.add(success);
			}
			else {
				failed.add((TaskOutcome.Failed) outcome);
			}
		}
		Boolean released = this.workerTransaction.execute((transaction) -> {
			List<UUID> completed = recordSucceeded(succeeded, now);
			recordFailed(failed, now);
			return releaseChildren(completed);
		});
		return Boolean.TRUE.equals(released);
	}

	private List<UUID> recordSucceeded(List<TaskOutcome.Succeeded> succeeded, Instant now) {
		if (succeeded.isEmpty()) {
			return List.of();
		}
		int[] counts = this.jdbc.batchUpdate(this.sql.completeSucceeded, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				TaskOutcome.Succeeded outcome = succeeded.get(i);
				ps.setString(1, outcome.result());
				JdbcTaskStore.this.dialect.setInstant(ps, 2, now);
				JdbcTaskStore.this.dialect.setId(ps, 3, outcome.id());
				ps.setInt(4, outcome.attempt());
			}

			@Override
			public int getBatchSize() {
				return succeeded.size();
			}

		});
		List<UUID> completed = new ArrayList<>(succeeded.size());
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] == Statement.SUCCESS_NO_INFO) {
				throw new IllegalStateException("The JDBC driver does not report update counts of batches; "
						+ "TaskQueue needs them to release dependent tasks exactly once");
			}
			if (counts[i] > 0) {
				completed.add(succeeded.get(i).id());
			}
		}
		return completed;
	}

	private void recordFailed(List<TaskOutcome.Failed> failed, Instant now) {
		if (failed.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(this.sql.completeFailed, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				TaskOutcome.Failed outcome = failed.get(i);
				ps.setString(1, outcome.message());
				ps.setString(2, outcome.detail());
				JdbcTaskStore.this.dialect.setInstant(ps, 3, now);
				JdbcTaskStore.this.dialect.setId(ps, 4, outcome.id());
				ps.setInt(5, outcome.attempt());
			}

			@Override
			public int getBatchSize() {
				return failed.size();
			}

		});
	}

	/** Counts the children of succeeded parents down; reports whether there were any. */
	private boolean releaseChildren(List<UUID> parents) {
		Map<UUID, Integer> succeededParents = new LinkedHashMap<>();
		for (List<UUID> chunk : chunks(parents)) {
			this.jdbc.query(Statements.withIds(this.sql.selectChildren, chunk.size()), (ps) -> setIds(ps, 1, chunk),
					(rs) -> {
						succeededParents.merge(this.dialect.getId(rs, "child_id"), 1, Integer::sum);
					});
		}
		if (succeededParents.isEmpty()) {
			return false;
		}
		List<Map.Entry<UUID, Integer>> children = new ArrayList<>(succeededParents.entrySet());
		this.jdbc.batchUpdate(this.sql.releaseChild, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				ps.setInt(1, children.get(i).getValue());
				ps.setInt(2, children.get(i).getValue());
				JdbcTaskStore.this.dialect.setId(ps, 3, children.get(i).getKey());
			}

			@Override
			public int getBatchSize() {
				return children.size();
			}

		});
		notifyReady();
		return true;
	}

	@Override
	public int handBack(Collection<UUID> ids, String worker) {
		Integer handedBack = this.workerTransaction.execute((transaction) -> {
			int count = 0;
			for (List<UUID> chunk : chunks(ids)) {
				count += this.jdbc.update(Statements.withIds(this.sql.handBack, chunk.size()), (ps) -> {
					ps.setString(1, worker);
					setIds(ps, 2, chunk);
				});
			}
			if (count > 0) {
				notifyReady();
			}
			return count;
		});
		return (handedBack != null) ? handedBack : 0;
	}

	@Override
	public Optional<TaskState> find(UUID id) {
		List<TaskState> rows = this.jdbc.query(this.sql.selectTask, (ps) -> this.dialect.setId(ps, 1, id),
				this.rowMapper);
		if (rows.isEmpty()) {
			return Optional.empty();
		}
		TaskState row = rows.get(0);
		Set<UUID> parents = new LinkedHashSet<>(parentsOf(id));
		return Optional.of(new TaskState(row.id(), row.type(), row.queue(), row.status(), row.priority(),
				row.attempts(), parents, row.payload(), row.result(), row.errorMessage(), row.errorDetail(),
				row.createdAt(), row.runAt(), row.startedAt(), row.finishedAt()));
	}

	private List<UUID> parentsOf(UUID id) {
		return this.jdbc.query(this.sql.selectParents, (ps) -> this.dialect.setId(ps, 1, id),
				(rs, rowNum) -> this.dialect.getId(rs, "parent_id"));
	}

	@Override
	public boolean cancel(UUID id, Instant now) {
		Boolean cancelled = this.callerTransaction.execute((transaction) -> {
			TaskStatus status = lockTask(id);
			if (status == TaskStatus.SUCCEEDED || status == TaskStatus.CANCELLED) {
				return false;
			}
			List<UUID> level = List.of(id);
			while (!level.isEmpty()) {
				cancelAll(level, now);
				level = waitingChildren(level);
			}
			return true;
		});
		return Boolean.TRUE.equals(cancelled);
	}

	private void cancelAll(List<UUID> ids, Instant now) {
		for (List<UUID> chunk : chunks(ids)) {
			this.jdbc.update(Statements.withIds(this.sql.cancel, chunk.size()), (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				setIds(ps, 2, chunk);
			});
		}
	}

	private List<UUID> waitingChildren(List<UUID> parents) {
		List<UUID> children = new ArrayList<>();
		for (List<UUID> chunk : chunks(parents)) {
			children.addAll(this.jdbc.query(Statements.withIds(this.sql.selectWaitingChildren, chunk.size()),
					(ps) -> setIds(ps, 1, chunk), (rs, rowNum) -> this.dialect.getId(rs, "id")));
		}
		return children;
	}

	@Override
	public boolean retry(UUID id, Instant now) {
		Boolean retried = this.callerTransaction.execute((transaction) -> {
			TaskStatus status = lockTask(id);
			if (status != TaskStatus.FAILED && status != TaskStatus.CANCELLED) {
				return false;
			}
			// Locking the parents keeps one from succeeding unseen while the count is taken
			int pending = (int) lockParents(parentsOf(id)).values()
				.stream()
				.filter((parentStatus) -> parentStatus != TaskStatus.SUCCEEDED)
				.count();
			TaskStatus next = (pending > 0) ? TaskStatus.WAITING : TaskStatus.READY;
			this.jdbc.update(this.sql.retry, (ps) -> {
				ps.setString(1, next.name());
				ps.setInt(2, pending);
				this.dialect.setInstant(ps, 3, now);
				this.dialect.setId(ps, 4, id);
			});
			if (next == TaskStatus.READY) {
				notifyReady();
			}
			return true;
		});
		return Boolean.TRUE.equals(retried);
	}

	private TaskStatus lockTask(UUID id) {
		List<String> status = this.jdbc.query(this.sql.lockTask, (ps) -> this.dialect.setId(ps, 1, id),
				(rs, rowNum) -> rs.getString("status"));
		if (status.isEmpty()) {
			throw new TaskNotFoundException(id, "Task " + id + " not found");
		}
		return TaskStatus.valueOf(status.get(0));
	}

	/**
	 * Wake listening nodes when the transaction commits; a no-op on databases that cannot.
	 * This node wakes itself without a round trip, so the payload names it.
	 */
	private void notifyReady() {
		if (this.sql.notify != null) {
			this.jdbc.query(this.sql.notify, (ps) -> {
				ps.setString(1, this.channel);
				ps.setString(2, this.nodeId);
			}, (rs) -> null);
		}
	}

	private void setIds(PreparedStatement ps, int firstIndex, List<UUID> ids) throws SQLException {
		for (int i = 0; i < ids.size(); i++) {
			this.dialect.setId(ps, firstIndex + i, ids.get(i));
		}
	}

	private static List<List<UUID>> chunks(Collection<UUID> ids) {
		List<UUID> all = new ArrayList<>(ids);
		List<List<UUID>> chunks = new ArrayList<>();
		for (int start = 0; start < all.size(); start += MAX_IDS) {
			chunks.add(all.subList(start, Math.min(all.size(), start + MAX_IDS)));
		}
		return chunks;
	}

}

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
import java.util.function.Function;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.TaskError;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
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

	/**
	 * The payload prefix of a notification that a running task was cancelled; the task id
	 * follows. Other notifications name the node whose tasks became ready.
	 */
	public static final String CANCEL_PREFIX = "cancel:";

	/** Most ids one {@code IN} list holds. */
	private static final int MAX_IDS = 500;

	/** How often an enqueue tries again when a key's holder finishes while it looks. */
	private static final int MAX_KEY_ATTEMPTS = 3;

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
	public List<UUID> insert(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return List.of();
		}
		return this.callerTransaction.execute((transaction) -> {
			Map<UUID, TaskStatus> statuses = lockExternalParents(tasks);
			Map<UUID, UUID> keyHolders = new HashMap<>();
			List<UUID> ids = new ArrayList<>(tasks.size());
			List<NewTask> batch = new ArrayList<>(tasks.size());
			List<TaskStatus> initial = new ArrayList<>(tasks.size());
			List<Integer> pending = new ArrayList<>(tasks.size());
			List<UUID[]> edges = new ArrayList<>();
			boolean anyReady = false;
			for (NewTask task : tasks) {
				int waitingFor = 0;
				boolean cancelled = false;
				List<UUID[]> taskEdges = new ArrayList<>();
				for (UUID requestedParent : task.parents()) {
					UUID parent = keyHolders.getOrDefault(requestedParent, requestedParent);
					TaskStatus parentStatus = statuses.get(parent);
					if (parentStatus == null) {
						throw new TaskNotFoundException(parent, "Parent task %s of task %s (type '%s') does not exist"
							.formatted(parent, task.id(), task.type()));
					}
					cancelled |= parentStatus == TaskStatus.CANCELLED;
					waitingFor += (parentStatus != TaskStatus.SUCCEEDED) ? 1 : 0;
					taskEdges.add(new UUID[] { parent, task.id() });
				}
				TaskStatus status = cancelled ? TaskStatus.CANCELLED
						: (waitingFor > 0) ? TaskStatus.WAITING : TaskStatus.READY;
				if (task.key() != null) {
					KeyHolder holder = insertUnlessKeyHeld(transaction, task, status, waitingFor);
					if (holder != null) {
						keyHolders.put(task.id(), holder.id());
						statuses.put(holder.id(), holder.status());
						ids.add(holder.id());
						continue;
					}
				}
				else {
					batch.add(task);
					initial.add(status);
					pending.add(waitingFor);
				}
				anyReady |= status == TaskStatus.READY && !task.runAt().isAfter(task.createdAt());
				statuses.put(task.id(), status);
				ids.add(task.id());
				edges.addAll(taskEdges);
			}
			insertTasks(batch, initial, pending);
			insertEdges(edges);
			if (anyReady) {
				notifyReady();
			}
			return ids;
		});
	}

	/**
	 * Insert a task with a unique key, unless an unfinished task holds the key. The unique
	 * index decides between concurrent enqueues; the losers read the winner once it commits.
	 * @return the task holding the key, or {@code null} if this task was inserted
	 */
	private @Nullable KeyHolder insertUnlessKeyHeld(TransactionStatus transaction, NewTask task, TaskStatus status,
			int pending) {
		for (int attempt = 1;; attempt++) {
			Object savepoint = transaction.createSavepoint();
			try {
				insertTasks(List.of(task), List.of(status), List.of(pending));
				transaction.releaseSavepoint(savepoint);
				return null;
			}
			catch (DuplicateKeyException | PessimisticLockingFailureException ex) {
				transaction.rollbackToSavepoint(savepoint);
				List<KeyHolder> holders = this.jdbc.query(this.sql.selectKeyHolder, (ps) -> ps.setString(1, task.key()),
						(rs, rowNum) -> new KeyHolder(this.dialect.getId(rs, "id"),
								TaskStatus.valueOf(rs.getString("status"))));
				if (!holders.isEmpty()) {
					return holders.get(0);
				}
				if (attempt >= MAX_KEY_ATTEMPTS) {
					throw ex;
				}
				// the holder finished in between: the key is free again
			}
		}
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
		if (tasks.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(this.sql.insertTask, batch(indexes(tasks.size()), (ps, i) -> {
			NewTask task = tasks.get(i);
			TaskStatus status = statuses.get(i);
			this.dialect.setId(ps, 1, task.id());
			ps.setString(2, task.type());
			ps.setString(3, task.queue());
			ps.setString(4, status.name());
			ps.setInt(5, task.priority());
			this.dialect.setInstant(ps, 6, task.runAt());
			ps.setInt(7, pending.get(i));
			ps.setString(8, task.payload());
			ps.setString(9, task.key());
			ps.setString(10, OptionsColumn.write(task.options()));
			this.dialect.setInstant(ps, 11, task.createdAt());
			this.dialect.setInstant(ps, 12, (status == TaskStatus.CANCELLED) ? task.createdAt() : null);
		}));
	}

	private void insertEdges(List<UUID[]> edges) {
		if (!edges.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertParent, batch(edges, (ps, edge) -> {
				this.dialect.setId(ps, 1, edge[0]);
				this.dialect.setId(ps, 2, edge[1]);
			}));
		}
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
		int[] counts = this.jdbc.batchUpdate(this.sql.completeSucceeded, batch(succeeded, (ps, outcome) -> {
			ps.setString(1, outcome.result());
			this.dialect.setInstant(ps, 2, now);
			this.dialect.setId(ps, 3, outcome.id());
			ps.setInt(4, outcome.attempt());
		}));
		return current(succeeded, counts).stream().map(TaskOutcome.Succeeded::id).toList();
	}

	/** Fails or requeues each attempt still current, and keeps its error. */
	private void recordFailed(List<TaskOutcome.Failed> failed, Instant now) {
		if (failed.isEmpty()) {
			return;
		}
		List<TaskOutcome.Failed> retried = failed.stream().filter((outcome) -> outcome.retryAt() != null).toList();
		List<TaskOutcome.Failed> ended = failed.stream().filter((outcome) -> outcome.retryAt() == null).toList();
		List<TaskOutcome.Failed> recorded = new ArrayList<>(failed.size());
		recorded.addAll(current(retried, this.jdbc.batchUpdate(this.sql.completeRetry, batch(retried, (ps, outcome) -> {
			this.dialect.setInstant(ps, 1, outcome.retryAt());
			ps.setString(2, outcome.message());
			ps.setString(3, outcome.detail());
			this.dialect.setId(ps, 4, outcome.id());
			ps.setInt(5, outcome.attempt());
		}))));
		recorded.addAll(current(ended, this.jdbc.batchUpdate(this.sql.completeFailed, batch(ended, (ps, outcome) -> {
			ps.setString(1, outcome.message());
			ps.setString(2, outcome.detail());
			this.dialect.setInstant(ps, 3, now);
			this.dialect.setId(ps, 4, outcome.id());
			ps.setInt(5, outcome.attempt());
		}))));
		if (!recorded.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertError, batch(recorded, (ps, outcome) -> {
				this.dialect.setId(ps, 1, outcome.id());
				ps.setInt(2, outcome.attempt());
				ps.setString(3, outcome.message());
				ps.setString(4, outcome.detail());
				this.dialect.setInstant(ps, 5, now);
			}));
		}
	}

	/** The outcomes whose update matched a row: those of attempts still current. */
	private static <T> List<T> current(List<T> outcomes, int[] counts) {
		List<T> current = new ArrayList<>(outcomes.size());
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] == Statement.SUCCESS_NO_INFO) {
				throw new IllegalStateException("The JDBC driver does not report update counts of batches; "
						+ "TaskQueue needs them to record each outcome exactly once");
			}
			if (counts[i] > 0) {
				current.add(outcomes.get(i));
			}
		}
		return current;
	}

	private static <T> BatchPreparedStatementSetter batch(List<T> items, ParameterSetter<T> setter) {
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
		this.jdbc.batchUpdate(this.sql.releaseChild, batch(children, (ps, child) -> {
			ps.setInt(1, child.getValue());
			ps.setInt(2, child.getValue());
			this.dialect.setId(ps, 3, child.getKey());
		}));
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
		List<TaskError> errors = this.jdbc.query(this.sql.selectErrors, (ps) -> this.dialect.setId(ps, 1, id),
				(rs, rowNum) -> new TaskError(rs.getInt("attempt"), rs.getString("message"), rs.getString("detail"),
						this.dialect.getInstant(rs, "failed_at")));
		return Optional.of(new TaskState(row.id(), row.type(), row.queue(), row.status(), row.priority(),
				row.attempts(), row.key(), parents, row.payload(), row.result(), row.errorMessage(), row.errorDetail(),
				errors, row.createdAt(), row.runAt(), row.startedAt(), row.worker(), row.finishedAt()));
	}

	@Override
	public Set<UUID> renew(Collection<UUID> ids, String worker, Instant leaseUntil) {
		Set<UUID> lost = new HashSet<>();
		this.workerTransaction.executeWithoutResult((transaction) -> {
			for (List<UUID> chunk : chunks(ids)) {
				int renewed = this.jdbc.update(Statements.withIds(this.sql.renewLeases, chunk.size()), (ps) -> {
					this.dialect.setInstant(ps, 1, leaseUntil);
					ps.setString(2, worker);
					setIds(ps, 3, chunk);
				});
				if (renewed < chunk.size()) {
					lost.addAll(chunk);
					this.jdbc.query(Statements.withIds(this.sql.selectHeld, chunk.size()), (ps) -> {
						ps.setString(1, worker);
						setIds(ps, 2, chunk);
					}, (rs) -> {
						lost.remove(this.dialect.getId(rs, "id"));
					});
				}
			}
		});
		return lost;
	}

	@Override
	public int rescue(Instant now, int limit, Function<ClaimedTask, TaskOutcome.Failed> failure) {
		Integer rescued = this.workerTransaction.execute((transaction) -> {
			List<ClaimedTask> expired = this.jdbc.query(this.sql.lockExpired, (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				ps.setInt(2, limit);
			}, (rs, rowNum) -> this.rowMapper.claimed(rs, 0));
			recordFailed(expired.stream().map(failure).toList(), now);
			if (!expired.isEmpty()) {
				notifyReady();
			}
			return expired.size();
		});
		return (rescued != null) ? rescued : 0;
	}

	@Override
	public Set<UUID> finished(Collection<UUID> ids) {
		Set<UUID> finished = new HashSet<>();
		for (List<UUID> chunk : chunks(ids)) {
			this.jdbc.query(Statements.withIds(this.sql.selectFinished, chunk.size()), (ps) -> setIds(ps, 1, chunk),
					(rs) -> {
						finished.add(this.dialect.getId(rs, "id"));
					});
		}
		return finished;
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
			if (status == TaskStatus.RUNNING) {
				notify(CANCEL_PREFIX + id);
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
			try {
				this.jdbc.update(this.sql.retry, (ps) -> {
					ps.setString(1, next.name());
					ps.setInt(2, pending);
					this.dialect.setInstant(ps, 3, now);
					this.dialect.setId(ps, 4, id);
				});
			}
			catch (DuplicateKeyException ex) {
				throw new TaskQueueException("Task " + id
						+ " cannot be retried: another unfinished task holds its unique key; retry it once that one has finished",
						ex);
			}
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
		notify(this.nodeId);
	}

	private void notify(String payload) {
		if (this.sql.notify != null) {
			this.jdbc.query(this.sql.notify, (ps) -> {
				ps.setString(1, this.channel);
				ps.setString(2, payload);
			}, (rs) -> null);
		}
	}

	private void setIds(PreparedStatement ps, int firstIndex, List<UUID> ids) throws SQLException {
		for (int i = 0; i < ids.size(); i++) {
			this.dialect.setId(ps, firstIndex + i, ids.get(i));
		}
	}

	/** Binds one item's parameters. */
	@FunctionalInterface
	private interface ParameterSetter<T> {

		void setValues(PreparedStatement ps, T item) throws SQLException;

	}

	private record KeyHolder(UUID id, TaskStatus status) {
	}

	private static List<Integer> indexes(int size) {
		return IntStream.range(0, size).boxed().toList();
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

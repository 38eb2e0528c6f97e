package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.JobWrites;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.ParentTask;
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

	/** How often a job's cancel tries again after a deadlock with a completion. */
	private static final int MAX_CANCEL_ATTEMPTS = 3;

	/** How often an enqueue tries again when a key's holder finishes while it looks. */
	private static final int MAX_KEY_ATTEMPTS = 3;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final PayloadCodec codec;

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
		this.codec = codec;
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
		return this.callerTransaction.execute((transaction) -> insert(transaction, tasks));
	}

	/** Inserts tasks in the given transaction; see {@link #insert(List)}. */
	private List<UUID> insert(TransactionStatus transaction, List<NewTask> tasks) {
		Map<UUID, TaskStatus> statuses = lockExternalParents(tasks);
		Map<UUID, UUID> keyHolders = new HashMap<>();
		List<UUID> ids = new ArrayList<>(tasks.size());
		List<NewTask> batch = new ArrayList<>(tasks.size());
		List<TaskStatus> initial = new ArrayList<>(tasks.size());
		List<Integer> pending = new ArrayList<>(tasks.size());
		List<Edge> edges = new ArrayList<>();
		boolean anyReady = false;
		for (NewTask task : tasks) {
			int waitingFor = 0;
			boolean cancelled = false;
			List<Edge> taskEdges = new ArrayList<>();
			for (UUID requestedParent : task.parents()) {
				UUID parent = keyHolders.getOrDefault(requestedParent, requestedParent);
				TaskStatus parentStatus = statuses.get(parent);
				if (parentStatus == null) {
					throw new TaskNotFoundException(parent, "Parent task %s of task %s (type '%s') does not exist"
						.formatted(parent, task.id(), task.type()));
				}
				Edge edge = new Edge(parent, task.id(), task.parentsEvenIfFailed().contains(requestedParent));
				cancelled |= parentStatus == TaskStatus.CANCELLED;
				waitingFor += edge.isSatisfiedBy(parentStatus) ? 0 : 1;
				taskEdges.add(edge);
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
			this.dialect.setNullableId(ps, 11, task.jobId());
			this.dialect.setInstant(ps, 12, task.createdAt());
			this.dialect.setInstant(ps, 13, (status == TaskStatus.CANCELLED) ? task.createdAt() : null);
		}));
	}

	private void insertEdges(List<Edge> edges) {
		if (!edges.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertParent, batch(edges, (ps, edge) -> {
				this.dialect.setId(ps, 1, edge.parent());
				this.dialect.setId(ps, 2, edge.child());
				ps.setBoolean(3, edge.evenIfFailed());
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
	public Completion complete(List<TaskOutcome> outcomes, Instant now) {
		List<TaskOutcome.Succeeded> succeeded = new ArrayList<>();
		List<TaskOutcome.Succeeded> writingToJobs = new ArrayList<>();
		List<TaskOutcome.Failed> failed = new ArrayList<>();
		// In id order, as a job's cancel locks its tasks: of the two, one waits for the other
		List<TaskOutcome> ordered = outcomes.stream().sorted(Comparator.comparing(TaskOutcome::id)).toList();
		for (TaskOutcome outcome : ordered) {
			if (outcome instanceof TaskOutcome.Succeeded success) {
				((success.jobWrites() != null) ? writingToJobs : succeeded).add(success);
			}
			else {
				failed.add((TaskOutcome.Failed) outcome);
			}
		}
		List<TaskOutcome> current = new ArrayList<>();
		Boolean mayBeReady = this.workerTransaction.execute((transaction) -> {
			List<TaskOutcome> ended = new ArrayList<>(recordSucceeded(succeeded, now));
			Set<UUID> plannedJobs = new LinkedHashSet<>();
			for (TaskOutcome.Succeeded outcome : writingToJobs) {
				try {
					JobWriteResult result = recordWithJobWrites(transaction, outcome, now);
					if (result == JobWriteResult.SUCCEEDED) {
						ended.add(outcome);
					}
					else if (result == JobWriteResult.RUNS_AGAIN) {
						plannedJobs.add(outcome.jobId());
						current.add(outcome);
					}
				}
				catch (TaskQueueException | DataIntegrityViolationException ex) {
					String message = "Could not write to job " + outcome.jobId() + ": " + ex.getMessage();
					failed.add(new TaskOutcome.Failed(outcome.id(), outcome.attempt(), outcome.jobId(), message, message,
							null));
				}
			}
			List<TaskOutcome.Failed> recordedFailures = recordFailed(failed, now);
			current.addAll(ended);
			current.addAll(recordedFailures);
			ended.addAll(notRetried(recordedFailures));
			return afterEnded(transaction, ended, plannedJobs, now) || !writingToJobs.isEmpty();
		});
		return new Completion(current, Boolean.TRUE.equals(mayBeReady));
	}

	private List<TaskOutcome.Succeeded> recordSucceeded(List<TaskOutcome.Succeeded> succeeded, Instant now) {
		if (succeeded.isEmpty()) {
			return List.of();
		}
		int[] counts = this.jdbc.batchUpdate(this.sql.completeSucceeded,
				batch(succeeded, (ps, outcome) -> setSucceeded(ps, outcome, now)));
		return current(succeeded, counts);
	}

	private void setSucceeded(PreparedStatement ps, TaskOutcome.Succeeded outcome, Instant now) throws SQLException {
		ps.setString(1, outcome.result());
		this.dialect.setInstant(ps, 2, now);
		this.dialect.setId(ps, 3, outcome.id());
		ps.setInt(4, outcome.attempt());
	}

	/**
	 * Records a succeeded attempt together with what it writes to its job, under a savepoint:
	 * tasks it adds that cannot be written (a parent that does not exist) fail it alone.
	 */
	private JobWriteResult recordWithJobWrites(TransactionStatus transaction, TaskOutcome.Succeeded outcome,
			Instant now) {
		JobWrites writes = Objects.requireNonNull(outcome.jobWrites());
		Object savepoint = transaction.createSavepoint();
		try {
			boolean runsAgain = writes.nextPayload() != null;
			// Due no later than the tasks it added, so that it plans the next chunk while they run
			Instant runAgainAt = writes.tasks()
				.stream()
				.map(NewTask::runAt)
				.filter(now::isAfter)
				.min(Comparator.naturalOrder())
				.orElse(now);
			int recorded = runsAgain ? this.jdbc.update(this.sql.completeRequeue, (ps) -> {
				ps.setString(1, writes.nextPayload());
				ps.setString(2, outcome.result());
				this.dialect.setInstant(ps, 3, runAgainAt);
				this.dialect.setId(ps, 4, outcome.id());
				ps.setInt(5, outcome.attempt());
			}) : this.jdbc.update(this.sql.completeSucceeded, (ps) -> setSucceeded(ps, outcome, now));
			if (recorded == 0) {
				transaction.releaseSavepoint(savepoint);
				return JobWriteResult.STALE;
			}
			insert(transaction, writes.tasks());
			if (writes.jobResult() != null) {
				this.jdbc.update(this.sql.setJobResult, (ps) -> {
					ps.setString(1, writes.jobResult());
					this.dialect.setId(ps, 2, outcome.jobId());
				});
			}
			if (runsAgain) {
				notifyReady();
			}
			transaction.releaseSavepoint(savepoint);
			return runsAgain ? JobWriteResult.RUNS_AGAIN : JobWriteResult.SUCCEEDED;
		}
		catch (RuntimeException ex) {
			transaction.rollbackToSavepoint(savepoint);
			throw ex;
		}
	}

	/**
	 * After tasks ended: releases the children waiting for them, and ends the jobs none of
	 * whose tasks can run any more.
	 * @param plannedJobs jobs whose planner runs again, to be marked started
	 * @return whether tasks may have become ready
	 */
	private boolean afterEnded(TransactionStatus transaction, List<TaskOutcome> ended, Set<UUID> plannedJobs,
			Instant now) {
		List<UUID> succeeded = new ArrayList<>();
		List<UUID> failed = new ArrayList<>();
		Set<UUID> jobs = new LinkedHashSet<>(plannedJobs);
		for (TaskOutcome outcome : ended) {
			((outcome instanceof TaskOutcome.Succeeded) ? succeeded : failed).add(outcome.id());
			if (outcome.jobId() != null) {
				jobs.add(outcome.jobId());
			}
		}
		boolean released = releaseChildren(succeeded, failed);
		return settle(transaction, jobs, now) > 0 || released;
	}

	/**
	 * Fails or requeues each attempt still current, and keeps its error.
	 * @return the failures that were current
	 */
	private List<TaskOutcome.Failed> recordFailed(List<TaskOutcome.Failed> failed, Instant now) {
		if (failed.isEmpty()) {
			return List.of();
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
		List<TaskOutcome.Failed> endedCurrent = current(ended,
				this.jdbc.batchUpdate(this.sql.completeFailed, batch(ended, (ps, outcome) -> {
					ps.setString(1, outcome.message());
					ps.setString(2, outcome.detail());
					this.dialect.setInstant(ps, 3, now);
					this.dialect.setId(ps, 4, outcome.id());
					ps.setInt(5, outcome.attempt());
				})));
		recorded.addAll(endedCurrent);
		if (!recorded.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertError, batch(recorded, (ps, outcome) -> {
				this.dialect.setId(ps, 1, outcome.id());
				ps.setInt(2, outcome.attempt());
				ps.setString(3, outcome.message());
				ps.setString(4, outcome.detail());
				this.dialect.setInstant(ps, 5, now);
			}));
		}
		return recorded;
	}

	private static List<TaskOutcome.Failed> notRetried(List<TaskOutcome.Failed> failed) {
		return failed.stream().filter((outcome) -> outcome.retryAt() == null).toList();
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

	/**
	 * Counts down the children of succeeded parents, and those of failed parents that run
	 * even if they failed; reports whether there were any.
	 */
	private boolean releaseChildren(List<UUID> succeeded, List<UUID> failed) {
		Map<UUID, Integer> endedParents = new LinkedHashMap<>();
		countChildren(this.sql.selectChildren, succeeded, endedParents);
		countChildren(this.sql.selectChildrenEvenIfFailed, failed, endedParents);
		if (endedParents.isEmpty()) {
			return false;
		}
		List<Map.Entry<UUID, Integer>> children = new ArrayList<>(endedParents.entrySet());
		this.jdbc.batchUpdate(this.sql.releaseChild, batch(children, (ps, child) -> {
			ps.setInt(1, child.getValue());
			ps.setInt(2, child.getValue());
			this.dialect.setId(ps, 3, child.getKey());
		}));
		notifyReady();
		return true;
	}

	private void countChildren(String selectChildren, List<UUID> parents, Map<UUID, Integer> counts) {
		for (List<UUID> chunk : chunks(parents)) {
			this.jdbc.query(Statements.withIds(selectChildren, chunk.size()), (ps) -> setIds(ps, 1, chunk), (rs) -> {
				counts.merge(this.dialect.getId(rs, "child_id"), 1, Integer::sum);
			});
		}
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
		return withParentsAndErrors(rows).stream().findFirst();
	}

	/** Completes task rows with their parents and error history, a few queries for all. */
	private List<TaskState> withParentsAndErrors(List<TaskState> rows) {
		if (rows.isEmpty()) {
			return rows;
		}
		List<UUID> ids = rows.stream().map(TaskState::id).toList();
		Map<UUID, Set<UUID>> parents = new HashMap<>();
		Map<UUID, List<TaskError>> errors = new HashMap<>();
		for (List<UUID> chunk : chunks(ids)) {
			this.jdbc.query(Statements.withIds(this.sql.selectParentsOf, chunk.size()), (ps) -> setIds(ps, 1, chunk),
					(rs) -> {
						parents.computeIfAbsent(this.dialect.getId(rs, "child_id"), (child) -> new LinkedHashSet<>())
							.add(this.dialect.getId(rs, "parent_id"));
					});
			this.jdbc.query(Statements.withIds(this.sql.selectErrorsOf, chunk.size()), (ps) -> setIds(ps, 1, chunk),
					(rs) -> {
						errors.computeIfAbsent(this.dialect.getId(rs, "task_id"), (task) -> new ArrayList<>())
							.add(new TaskError(rs.getInt("attempt"), rs.getString("message"), rs.getString("detail"),
									this.dialect.getInstant(rs, "failed_at")));
					});
		}
		return rows.stream()
			.map((row) -> new TaskState(row.id(), row.type(), row.queue(), row.status(), row.priority(),
					row.attempts(), row.key(), parents.getOrDefault(row.id(), Set.of()), row.jobId(), row.payload(),
					row.result(), row.errorMessage(), row.errorDetail(), errors.getOrDefault(row.id(), List.of()),
					row.createdAt(), row.runAt(), row.startedAt(), row.worker(), row.finishedAt()))
			.toList();
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
			List<TaskOutcome> ended = new ArrayList<>(notRetried(recordFailed(expired.stream().map(failure).toList(), now)));
			afterEnded(transaction, ended, Set.of(), now);
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

	/** The parents of a task, with whether it runs even if they fail. */
	private Map<UUID, Boolean> parentsOf(UUID id) {
		Map<UUID, Boolean> parents = new LinkedHashMap<>();
		this.jdbc.query(this.sql.selectParents, (ps) -> this.dialect.setId(ps, 1, id), (rs) -> {
			parents.put(this.dialect.getId(rs, "parent_id"), rs.getBoolean("even_if_failed"));
		});
		return parents;
	}

	@Override
	public boolean cancel(UUID id, Instant now) {
		Boolean cancelled = this.callerTransaction.execute((transaction) -> {
			TaskStatus status = lockTask(id).status();
			if (status == TaskStatus.SUCCEEDED || status == TaskStatus.CANCELLED) {
				return false;
			}
			cancelWithDescendants(List.of(id), now);
			if (status == TaskStatus.RUNNING) {
				notify(CANCEL_PREFIX + id);
			}
			return true;
		});
		return Boolean.TRUE.equals(cancelled);
	}

	private void cancelWithDescendants(List<UUID> ids, Instant now) {
		List<UUID> level = ids;
		while (!level.isEmpty()) {
			cancelAll(level, now);
			level = waitingChildren(level);
		}
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
		return Boolean.TRUE.equals(this.callerTransaction.execute((transaction) -> {
			LockedTask task = lockTask(id);
			boolean retried = retryInTransaction(id, task.status(), now);
			if (retried && task.jobId() != null) {
				reopenJob(task.jobId());
			}
			return retried;
		}));
	}

	/** Queues a locked task again; its job, if any, is reopened by the caller, after it. */
	private boolean retryInTransaction(UUID id, TaskStatus status, Instant now) {
		if (status != TaskStatus.FAILED && status != TaskStatus.CANCELLED) {
			return false;
		}
		// Locking the parents keeps one from ending unseen while the count is taken
		Map<UUID, Boolean> parents = parentsOf(id);
		Map<UUID, TaskStatus> parentStatuses = lockParents(parents.keySet());
		int pending = (int) parents.entrySet()
			.stream()
			.filter((parent) -> !new Edge(parent.getKey(), id, parent.getValue())
				.isSatisfiedBy(parentStatuses.get(parent.getKey())))
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
		if (status == TaskStatus.FAILED) {
			// Its failure released the children that run even if it fails: they wait for it again
			this.jdbc.update(this.sql.holdChildrenEvenIfFailed, (ps) -> this.dialect.setId(ps, 1, id));
		}
		if (next == TaskStatus.READY) {
			notifyReady();
		}
		return true;
	}

	/** Reopens a FAILED job; last in its transaction, as completions lock a job after its tasks. */
	private void reopenJob(UUID jobId) {
		this.jdbc.update(this.sql.reopenJob, (ps) -> this.dialect.setId(ps, 1, jobId));
	}

	private LockedTask lockTask(UUID id) {
		List<LockedTask> tasks = this.jdbc.query(this.sql.lockTask, (ps) -> this.dialect.setId(ps, 1, id),
				(rs, rowNum) -> new LockedTask(TaskStatus.valueOf(rs.getString("status")),
						this.dialect.getNullableId(rs, "job_id")));
		if (tasks.isEmpty()) {
			throw new TaskNotFoundException(id, "Task " + id + " not found");
		}
		return tasks.get(0);
	}

	@Override
	public List<ParentTask> parents(UUID childId) {
		return this.jdbc.query(this.sql.selectParentResults, (ps) -> this.dialect.setId(ps, 1, childId),
				(rs, rowNum) -> new ParentTask(this.dialect.getId(rs, "id"), rs.getString("type"),
						TaskStatus.valueOf(rs.getString("status")), rs.getString("result")));
	}

	@Override
	public List<UUID> startJob(NewJob job) {
		return this.callerTransaction.execute((transaction) -> {
			this.jdbc.update(this.sql.insertJob, (ps) -> {
				this.dialect.setId(ps, 1, job.id());
				ps.setString(2, job.name());
				this.dialect.setNullableId(ps, 3, job.plannerId());
				ps.setObject(4, job.expectedTasks(), Types.INTEGER);
				this.dialect.setInstant(ps, 5, job.createdAt());
			});
			List<UUID> ids = insert(transaction, job.tasks());
			List<NewJob.Callback> callbacks = job.callbacks();
			this.jdbc.batchUpdate(this.sql.insertJobCallback, batch(indexes(callbacks.size()), (ps, position) -> {
				NewJob.Callback callback = callbacks.get(position);
				this.dialect.setId(ps, 1, job.id());
				ps.setInt(2, position);
				ps.setString(3, callback.runOn().name());
				ps.setString(4, callback.type());
				ps.setString(5, callback.queue());
				ps.setInt(6, callback.priority());
				ps.setString(7, callback.payload());
				ps.setString(8, OptionsColumn.write(callback.options()));
			}));
			return ids;
		});
	}

	@Override
	public List<UUID> addToJob(UUID jobId, List<NewTask> tasks) {
		return this.callerTransaction.execute((transaction) -> {
			List<UUID> ids = insert(transaction, tasks);
			// Locked after the tasks are written, as a completion locks it after its tasks: a
			// completion that ends the job first makes this fail, one after it sees the new tasks
			List<String> status = this.jdbc.query(this.sql.lockJob, (ps) -> this.dialect.setId(ps, 1, jobId),
					(rs, rowNum) -> rs.getString("status"));
			if (status.isEmpty()) {
				throw new JobNotFoundException(jobId);
			}
			if (JobStatus.valueOf(status.get(0)) != JobStatus.RUNNING) {
				throw new TaskQueueException("Job " + jobId + " has ended (" + status.get(0)
						+ "); tasks cannot be added to it, and none were");
			}
			return ids;
		});
	}

	@Override
	public Optional<JobState> findJob(UUID jobId) {
		List<JobRow> rows = this.jdbc.query(this.sql.selectJob, (ps) -> this.dialect.setId(ps, 1, jobId),
				(rs, rowNum) -> {
					String plannerStatus = rs.getString("planner_status");
					return new JobRow(JobStatus.valueOf(rs.getString("status")), rs.getString("name"),
							(plannerStatus != null) ? TaskStatus.valueOf(plannerStatus) : null,
							rs.getObject("expected_tasks", Integer.class), rs.getString("result"),
							this.dialect.getInstant(rs, "created_at"), this.dialect.getInstant(rs, "started_at"),
							this.dialect.getInstant(rs, "finished_at"));
				});
		return rows.stream()
			.findFirst()
			.map((row) -> JobProgress.state(jobId, row.name(), row.status(), countJobTasks(jobId), row.plannerStatus(),
					row.expectedTasks(), this.codec.value(row.result()), row.createdAt(), row.startedAt(),
					row.finishedAt()));
	}

	/** A job's status, read without counting its tasks. */
	private JobStatus jobStatus(UUID jobId) {
		List<String> status = this.jdbc.query(this.sql.selectJobStatus, (ps) -> this.dialect.setId(ps, 1, jobId),
				(rs, rowNum) -> rs.getString("status"));
		if (status.isEmpty()) {
			throw new JobNotFoundException(jobId);
		}
		return JobStatus.valueOf(status.get(0));
	}

	private Map<TaskStatus, Integer> countJobTasks(UUID jobId) {
		Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
		for (TaskStatus status : TaskStatus.values()) {
			counts.put(status, 0);
		}
		this.jdbc.query(this.sql.countJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId), (rs) -> {
			counts.put(TaskStatus.valueOf(rs.getString("status")), rs.getInt("tasks"));
		});
		return counts;
	}

	@Override
	public List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit) {
		String sql = (status != null) ? this.sql.selectJobTasksWithStatus : this.sql.selectJobTasks;
		return withParentsAndErrors(this.jdbc.query(sql, (ps) -> {
			int index = 1;
			this.dialect.setId(ps, index++, jobId);
			if (status != null) {
				ps.setString(index++, status.name());
			}
			ps.setInt(index++, offset);
			ps.setInt(index, limit);
		}, this.rowMapper));
	}

	@Override
	public Optional<Set<UUID>> cancelJob(UUID jobId, Instant now) {
		boolean ownTransaction = !TransactionSynchronizationManager.isActualTransactionActive();
		for (int attempt = 1;; attempt++) {
			try {
				return cancelJobOnce(jobId, now);
			}
			catch (PessimisticLockingFailureException ex) {
				// A completion that waited for a task this cancel had locked while holding another
				// it wanted: the database gave up one of the two. Ours is ours to try again.
				if (!ownTransaction || attempt >= MAX_CANCEL_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private Optional<Set<UUID>> cancelJobOnce(UUID jobId, Instant now) {
		return this.callerTransaction.execute((transaction) -> {
			JobStatus status = jobStatus(jobId);
			if (status == JobStatus.SUCCEEDED || status == JobStatus.CANCELLED) {
				return Optional.<Set<UUID>>empty();
			}
			Set<UUID> running = new HashSet<>();
			List<UUID> level = this.jdbc.query(this.sql.lockUnfinishedJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId),
					(rs, rowNum) -> {
						UUID id = this.dialect.getId(rs, "id");
						if (TaskStatus.RUNNING.name().equals(rs.getString("status"))) {
							running.add(id);
						}
						return id;
					});
			cancelWithDescendants(level, now);
			// The job is locked after its tasks, as completions lock it
			int cancelled = this.jdbc.update(this.sql.cancelJob, (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				this.dialect.setId(ps, 2, jobId);
			});
			if (cancelled == 0) {
				return Optional.<Set<UUID>>empty();
			}
			// Tasks that a completion or addToJob wrote while the first look waited for their
			// writer: committed by now, and seen by this second look
			cancelWithDescendants(this.jdbc.query(this.sql.lockUnfinishedJobTasks,
					(ps) -> this.dialect.setId(ps, 1, jobId), (rs, rowNum) -> this.dialect.getId(rs, "id")), now);
			running.forEach((id) -> notify(CANCEL_PREFIX + id));
			return Optional.of(Set.copyOf(running));
		});
	}

	@Override
	public int retryJob(UUID jobId, Instant now) {
		Integer retried = this.callerTransaction.execute((transaction) -> {
			JobStatus status = jobStatus(jobId);
			if (status == JobStatus.CANCELLED) {
				throw new TaskQueueException("Job " + jobId + " was cancelled; its tasks cannot be retried");
			}
			List<UUID> failed = this.jdbc.query(this.sql.selectFailedJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId),
					(rs, rowNum) -> this.dialect.getId(rs, "id"));
			int count = 0;
			for (UUID id : failed) {
				count += retryInTransaction(id, lockTask(id).status(), now) ? 1 : 0;
			}
			if (count > 0) {
				reopenJob(jobId);
			}
			return count;
		});
		return (retried != null) ? retried : 0;
	}

	@Override
	public int settleJobs(Instant now, int limit) {
		Integer settled = this.workerTransaction.execute((transaction) -> {
			List<UUID> jobs = this.jdbc.query(this.sql.selectUnsettledJobs, (ps) -> ps.setInt(1, limit),
					(rs, rowNum) -> this.dialect.getId(rs, "id"));
			return settle(transaction, jobs, now);
		});
		return (settled != null) ? settled : 0;
	}

	/**
	 * Ends the given jobs that are running but none of whose tasks can run any more, and
	 * enqueues their callbacks. The job rows are locked first, in id order, after the tasks
	 * that ended: of two transactions that end a job's last tasks at once, the second to get
	 * the lock sees the first's tasks finished, and it alone ends the job.
	 * @return how many jobs ended
	 */
	private int settle(TransactionStatus transaction, Collection<UUID> jobIds, Instant now) {
		// Ids sort as the databases sort them: as text, or as unsigned bytes
		List<UUID> sorted = jobIds.stream().sorted(Comparator.comparing(UUID::toString)).toList();
		int ended = 0;
		for (List<UUID> chunk : chunks(sorted)) {
			List<LockedJob> jobs = this.jdbc.query(Statements.withIds(this.sql.lockJobs, chunk.size()),
					(ps) -> setIds(ps, 1, chunk), (rs, rowNum) -> new LockedJob(this.dialect.getId(rs, "id"),
							JobStatus.valueOf(rs.getString("status")), this.dialect.getInstant(rs, "started_at") != null));
			for (LockedJob job : jobs) {
				if (job.status() == JobStatus.RUNNING && settle(transaction, job, now)) {
					ended++;
				}
			}
		}
		return ended;
	}

	private boolean settle(TransactionStatus transaction, LockedJob job, Instant now) {
		if (!job.started()) {
			this.jdbc.update(this.sql.setJobStarted, (ps) -> {
				this.dialect.setId(ps, 1, job.id());
				this.dialect.setId(ps, 2, job.id());
			});
		}
		boolean active = !this.jdbc.query(this.sql.selectActiveJobTask, (ps) -> this.dialect.setId(ps, 1, job.id()),
				(rs, rowNum) -> rs.getString("id")).isEmpty();
		JobStatus end = active ? null : JobProgress.end(countJobTasks(job.id()));
		if (end == null) {
			return false;
		}
		this.jdbc.update(this.sql.finishJob, (ps) -> {
			ps.setString(1, end.name());
			this.dialect.setInstant(ps, 2, now);
			this.dialect.setId(ps, 3, job.id());
		});
		enqueueCallbacks(transaction, job.id(), end, now);
		return true;
	}

	private void enqueueCallbacks(TransactionStatus transaction, UUID jobId, JobStatus end, Instant now) {
		NewJob.RunOn runOn = (end == JobStatus.SUCCEEDED) ? NewJob.RunOn.SUCCESS : NewJob.RunOn.FAILURE;
		String jobIdPayload = this.codec.write(jobId);
		List<NewTask> callbacks = this.jdbc.query(this.sql.selectJobCallbacks, (ps) -> {
			this.dialect.setId(ps, 1, jobId);
			ps.setString(2, runOn.name());
		}, (rs, rowNum) -> {
			String payload = rs.getString("payload");
			return new NewTask(TaskIds.next(), rs.getString("type"), rs.getString("queue"), rs.getInt("priority"), now,
					(payload != null) ? payload : jobIdPayload, null, OptionsColumn.read(rs.getString("options")),
					Set.of(), Set.of(), null, now);
		});
		insert(transaction, callbacks);
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

	private record LockedTask(TaskStatus status, @Nullable UUID jobId) {
	}

	private record LockedJob(UUID id, JobStatus status, boolean started) {
	}

	private record JobRow(JobStatus status, String name, @Nullable TaskStatus plannerStatus,
			@Nullable Integer expectedTasks, @Nullable String result, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {
	}

	/** A parent edge: the child runs once the parent succeeded, or, if so marked, failed. */
	private record Edge(UUID parent, UUID child, boolean evenIfFailed) {

		boolean isSatisfiedBy(TaskStatus parentStatus) {
			return parentStatus == TaskStatus.SUCCEEDED || (this.evenIfFailed && parentStatus == TaskStatus.FAILED);
		}

	}

	/** What recording a succeeded attempt that writes to its job did. */
	private enum JobWriteResult {

		/** The attempt was no longer current: nothing was written. */
		STALE,

		/** The task succeeded. */
		SUCCEEDED,

		/** The task runs again, with a new payload. */
		RUNS_AGAIN

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

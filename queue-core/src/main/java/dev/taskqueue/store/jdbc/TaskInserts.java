package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.CannotSerializeTransactionException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.SavepointManager;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Inserts tasks and their parent edges: locks the parents outside the batch, counts what
 * each task waits for, and keeps a unique key to one unfinished task.
 */
final class TaskInserts {

	/** How often an enqueue tries again when a key's holder finishes while it looks. */
	private static final int MAX_KEY_ATTEMPTS = 3;

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final DataSource dataSource;

	TaskInserts(JdbcSupport support) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.dataSource = support.dataSource();
	}

	/** Inserts tasks in the caller's transaction, or in one of their own. */
	List<UUID> insert(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return List.of();
		}
		return this.support.inCallerTransaction((transaction) -> insert(transaction, tasks));
	}

	/** Inserts tasks in the transaction whose savepoints are given; see {@link #insert(List)}. */
	List<UUID> insert(SavepointManager transaction, List<NewTask> tasks) {
		Map<UUID, TaskStatus> statuses = lockExternalParents(tasks);
		Map<UUID, UUID> keyHolders = new HashMap<>();
		Set<UUID> unlockedHolders = new HashSet<>();
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
				if (unlockedHolders.contains(parent)) {
					throw new CannotSerializeTransactionException(("Task %s (type '%s') waits for task %s, which holds "
							+ "the key of its parent %s but committed after this transaction's snapshot, so it "
							+ "cannot be locked and could finish unseen; retry the transaction")
						.formatted(task.id(), task.type(), parent, requestedParent));
				}
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
					if (!holder.locked()) {
						unlockedHolders.add(holder.id());
					}
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
			this.support.notifyReady();
		}
		return ids;
	}

	/**
	 * Insert a task with a unique key, unless an unfinished task holds the key. The unique
	 * index decides between concurrent enqueues; the losers read the winner once it commits.
	 * @return the task holding the key, or {@code null} if this task was inserted
	 */
	private @Nullable KeyHolder insertUnlessKeyHeld(SavepointManager transaction, NewTask task, TaskStatus status,
			int pending) {
		String key = task.key();
		for (int attempt = 1;; attempt++) {
			if (this.sql.insertTaskUnlessKeyHeld != null) {
				this.jdbc.update(this.sql.insertTaskUnlessKeyHeld, (ps) -> setTask(ps, task, status, pending));
				KeyHolder holder = keyHolder(key);
				if (holder != null) {
					return holder.id().equals(task.id()) ? null : holder;
				}
			}
			Object savepoint = transaction.createSavepoint();
			try {
				this.jdbc.update(this.sql.insertTask, (ps) -> setTask(ps, task, status, pending));
				transaction.releaseSavepoint(savepoint);
				return null;
			}
			catch (DuplicateKeyException | PessimisticLockingFailureException ex) {
				transaction.rollbackToSavepoint(savepoint);
				KeyHolder holder = keyHolder(key);
				if (holder != null) {
					return holder;
				}
				if (attempt >= MAX_KEY_ATTEMPTS) {
					throw ex;
				}
				// the holder finished in between: the key is free again
			}
		}
	}

	/**
	 * The unfinished task holding a key, locked. A locking read sees the latest committed
	 * rows on most databases and isolation levels, but not on PostgreSQL above READ
	 * COMMITTED, whose snapshot hides a holder that committed after it: that one is read on
	 * a connection of its own, and cannot be locked.
	 */
	private @Nullable KeyHolder keyHolder(String key) {
		List<KeyHolder> holders = this.jdbc.query(this.sql.selectKeyHolder, (ps) -> ps.setString(1, key),
				(rs, rowNum) -> keyHolder(rs, true));
		return (!holders.isEmpty()) ? holders.get(0) : committedKeyHolder(key);
	}

	private @Nullable KeyHolder committedKeyHolder(String key) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(this.sql.selectCommittedKeyHolder)) {
			ps.setString(1, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? keyHolder(rs, false) : null;
			}
		}
		catch (SQLException ex) {
			throw this.jdbc.getExceptionTranslator()
				.translate("read the holder of key '" + key + "'", this.sql.selectCommittedKeyHolder, ex);
		}
	}

	private KeyHolder keyHolder(ResultSet rs, boolean locked) throws SQLException {
		return new KeyHolder(this.dialect.getId(rs, "id"), TaskStatus.valueOf(rs.getString("status")), locked);
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

	/** Locks the given parent tasks, so that none ends unseen; returns their statuses. */
	Map<UUID, TaskStatus> lockParents(Collection<UUID> parents) {
		Map<UUID, TaskStatus> statuses = new HashMap<>();
		for (List<UUID> chunk : JdbcSupport.chunks(parents)) {
			this.jdbc.query(Statements.withIds(this.sql.lockParents, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						statuses.put(this.dialect.getId(rs, "id"), TaskStatus.valueOf(rs.getString("status")));
					});
		}
		return statuses;
	}

	private void insertTasks(List<NewTask> tasks, List<TaskStatus> statuses, List<Integer> pending) {
		if (!tasks.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertTask, JdbcSupport.batch(JdbcSupport.indexes(tasks.size()),
					(ps, i) -> setTask(ps, tasks.get(i), statuses.get(i), pending.get(i))));
		}
	}

	private void setTask(PreparedStatement ps, NewTask task, TaskStatus status, int pending) throws SQLException {
		this.dialect.setId(ps, 1, task.id());
		ps.setString(2, task.type());
		ps.setString(3, task.queue());
		ps.setString(4, status.name());
		ps.setInt(5, task.priority());
		this.dialect.setInstant(ps, 6, task.runAt());
		ps.setInt(7, pending);
		ps.setString(8, task.payload());
		ps.setString(9, task.key());
		ps.setString(10, OptionsColumn.write(task.options()));
		this.dialect.setNullableId(ps, 11, task.jobId());
		this.dialect.setInstant(ps, 12, task.createdAt());
		this.dialect.setInstant(ps, 13, (status == TaskStatus.CANCELLED) ? task.createdAt() : null);
	}

	private void insertEdges(List<Edge> edges) {
		if (!edges.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertParent, JdbcSupport.batch(edges, (ps, edge) -> {
				this.dialect.setId(ps, 1, edge.parent());
				this.dialect.setId(ps, 2, edge.child());
				ps.setBoolean(3, edge.evenIfFailed());
			}));
		}
	}

	/** The task holding a key; unlocked if committed after the caller's snapshot. */
	private record KeyHolder(UUID id, TaskStatus status, boolean locked) {
	}

	/** A parent edge: the child runs once the parent succeeded, or, if so marked, failed. */
	record Edge(UUID parent, UUID child, boolean evenIfFailed) {

		boolean isSatisfiedBy(TaskStatus parentStatus) {
			return parentStatus == TaskStatus.SUCCEEDED || (this.evenIfFailed && parentStatus == TaskStatus.FAILED);
		}

	}

}

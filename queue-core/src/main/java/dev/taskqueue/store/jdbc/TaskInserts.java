package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import dev.taskqueue.store.ClaimedTask;
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

	private final TaskRows rows;

	TaskInserts(JdbcSupport support) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.dataSource = support.dataSource();
		this.rows = new TaskRows(support);
	}

	/**
	 * Inserts tasks in the caller's transaction, or in one of their own; or, outside a
	 * caller's transaction, in one statement that commits on its own where one statement
	 * does all the work: no parents to lock, no keys to check, and a dialect that inserts
	 * them and wakes listening nodes at once. The tasks inserted are counted once committed.
	 * Listening nodes are woken for tasks ready at once only if asked.
	 */
	List<UUID> insert(List<NewTask> tasks, boolean wakeOtherNodes) {
		if (tasks.isEmpty()) {
			return List.of();
		}
		if (isOneStatement(tasks) && !this.support.joinsCallerTransaction() && Boolean.TRUE.equals(this.jdbc
			.execute((Connection connection) -> this.rows.insertAlone(connection, tasks, wakeOtherNodes)))) {
			List<UUID> ids = tasks.stream().map(NewTask::id).toList();
			this.support.inserted(tasks, ids);
			return ids;
		}
		return this.support.inCallerTransaction((transaction) -> {
			List<UUID> ids = insert(transaction, tasks, wakeOtherNodes);
			this.support.inserted(tasks, ids);
			return ids;
		});
	}

	/**
	 * Inserts tasks as {@link #insert(List, boolean)} does with one statement outside a
	 * caller's transaction, without waking other nodes, and claims ready tasks of the queue in
	 * the same round trip, where the dialect can. The tasks inserted are counted.
	 * @return the tasks claimed, in claim order, or {@code null} if it wrote nothing
	 */
	@Nullable List<ClaimedTask> insertAndClaim(List<NewTask> tasks, TaskClaims claims, String queue, int limit,
			String worker, Instant now, Instant leaseUntil) {
		if (!canInsertAndClaim(tasks)) {
			return null;
		}
		List<ClaimedTask> claimed = this.jdbc.execute((Connection connection) -> this.rows.insertThenClaim(connection,
				tasks, claims, queue, limit, worker, now, leaseUntil));
		if (claimed != null) {
			this.support.inserted(tasks, tasks.stream().map(NewTask::id).toList());
		}
		return claimed;
	}

	/** Whether {@link #insertAndClaim} can insert the tasks now. */
	boolean canInsertAndClaim(List<NewTask> tasks) {
		return !tasks.isEmpty() && this.rows.canInsertThenClaim(tasks.size()) && isOneStatement(tasks)
				&& !this.support.joinsCallerTransaction();
	}

	private boolean isOneStatement(List<NewTask> tasks) {
		for (NewTask task : tasks) {
			if (!task.parents().isEmpty() || task.key() != null) {
				return false;
			}
		}
		return this.rows.isOneStatement(tasks.size());
	}

	/**
	 * Inserts tasks in the transaction whose savepoints are given, waking listening nodes for
	 * those ready at once; see {@link #insert(List, boolean)}. The caller counts them, with
	 * {@link JdbcSupport#inserted}, once they are sure to stay.
	 */
	List<UUID> insert(SavepointManager transaction, List<NewTask> tasks) {
		return insert(transaction, tasks, true);
	}

	private List<UUID> insert(SavepointManager transaction, List<NewTask> tasks, boolean wakeOtherNodes) {
		Map<UUID, TaskStatus> statuses = lockExternalParents(tasks);
		if (isKeyedBatch(tasks)) {
			List<UUID> ids = insertKeyedBatch(transaction, tasks, statuses, wakeOtherNodes);
			if (ids != null) {
				return ids;
			}
		}
		return insertEach(transaction, tasks, statuses, wakeOtherNodes);
	}

	/**
	 * Whether tasks hold more than one unique key and none waits for another of them, whose
	 * key's holder it would wait for instead.
	 */
	private static boolean isKeyedBatch(List<NewTask> tasks) {
		Set<UUID> inBatch = new HashSet<>();
		int keyed = 0;
		for (NewTask task : tasks) {
			inBatch.add(task.id());
			keyed += (task.key() != null) ? 1 : 0;
		}
		return keyed > 1 && tasks.stream().flatMap((task) -> task.parents().stream()).noneMatch(inBatch::contains);
	}

	/**
	 * Inserts tasks with unique keys in one write under a savepoint, then reads the holders of
	 * their keys in one locking read: a task whose key another task holds, in the batch or
	 * not, is left out and answered with the holder. Writes nothing where the task-by-task
	 * path must decide: a holder committed after the transaction's snapshot, or one that
	 * finished in between.
	 * @return the ids of the tasks or their keys' holders, or {@code null} if it wrote nothing
	 */
	private @Nullable List<UUID> insertKeyedBatch(SavepointManager transaction, List<NewTask> tasks,
			Map<UUID, TaskStatus> statuses, boolean wakeOtherNodes) {
		List<Placement> placements = new ArrayList<>(tasks.size());
		for (NewTask task : tasks) {
			placements.add(place(task, Map.of(), Set.of(), statuses));
		}
		// In key order, so that concurrent batches lock their keys in the same order
		List<Integer> byKey = new ArrayList<>(JdbcSupport.indexes(tasks.size()));
		byKey.sort(Comparator.comparing((i) -> tasks.get(i).key(), Comparator.nullsLast(Comparator.naturalOrder())));
		Object savepoint = transaction.createSavepoint();
		Map<String, KeyHolder> holders;
		try {
			boolean allInserted = this.rows.insertUnlessKeysHeld(byKey.stream().map(tasks::get).toList(),
					byKey.stream().map(placements::get).toList());
			// Every key is then held by the task just inserted, which no other transaction sees yet
			holders = allInserted ? ownKeys(tasks, placements)
					: lockedKeyHolders(tasks.stream().map(NewTask::key).filter(Objects::nonNull).toList());
		}
		catch (DuplicateKeyException | PessimisticLockingFailureException ex) {
			transaction.rollbackToSavepoint(savepoint);
			return null;
		}
		if (tasks.stream().anyMatch((task) -> task.key() != null && !holders.containsKey(task.key()))) {
			transaction.rollbackToSavepoint(savepoint);
			return null;
		}
		transaction.releaseSavepoint(savepoint);
		List<UUID> ids = new ArrayList<>(tasks.size());
		List<Edge> edges = new ArrayList<>();
		boolean anyReady = false;
		for (int i = 0; i < tasks.size(); i++) {
			NewTask task = tasks.get(i);
			KeyHolder holder = (task.key() != null) ? holders.get(task.key()) : null;
			if (holder != null && !holder.id().equals(task.id())) {
				ids.add(holder.id());
				continue;
			}
			ids.add(task.id());
			edges.addAll(placements.get(i).edges());
			anyReady |= placements.get(i).isDue(task);
		}
		insertEdges(edges);
		if (anyReady && wakeOtherNodes) {
			this.support.notifyReady();
		}
		return ids;
	}

	/** Inserts tasks one key at a time, each parent that holds a key standing for its key's holder. */
	private List<UUID> insertEach(SavepointManager transaction, List<NewTask> tasks, Map<UUID, TaskStatus> statuses,
			boolean wakeOtherNodes) {
		Map<UUID, UUID> keyHolders = new HashMap<>();
		Set<UUID> unlockedHolders = new HashSet<>();
		List<UUID> ids = new ArrayList<>(tasks.size());
		List<NewTask> batch = new ArrayList<>(tasks.size());
		List<Placement> batchPlacements = new ArrayList<>(tasks.size());
		List<Edge> edges = new ArrayList<>();
		boolean anyReady = false;
		for (NewTask task : tasks) {
			Placement placement = place(task, keyHolders, unlockedHolders, statuses);
			if (task.key() != null) {
				KeyHolder holder = insertUnlessKeyHeld(transaction, task, placement);
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
				batchPlacements.add(placement);
			}
			anyReady |= placement.isDue(task);
			statuses.put(task.id(), placement.status());
			ids.add(task.id());
			edges.addAll(placement.edges());
		}
		boolean wake = anyReady && wakeOtherNodes;
		boolean notified = this.rows.insert(batch, batchPlacements, wake);
		insertEdges(edges);
		if (wake && !notified) {
			this.support.notifyReady();
		}
		return ids;
	}

	/**
	 * The edges of a task to its parents and the status it starts in, given the parents'
	 * statuses; a parent whose key another task holds stands for that holder.
	 */
	private static Placement place(NewTask task, Map<UUID, UUID> keyHolders, Set<UUID> unlockedHolders,
			Map<UUID, TaskStatus> statuses) {
		int waitingFor = 0;
		boolean cancelled = false;
		List<Edge> edges = new ArrayList<>();
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
			edges.add(edge);
		}
		TaskStatus status = cancelled ? TaskStatus.CANCELLED : (waitingFor > 0) ? TaskStatus.WAITING : TaskStatus.READY;
		return new Placement(status, waitingFor, edges);
	}

	/**
	 * Insert a task with a unique key, unless an unfinished task holds the key. The unique
	 * index decides between concurrent enqueues; the losers read the winner once it commits.
	 * @return the task holding the key, or {@code null} if this task was inserted
	 */
	private @Nullable KeyHolder insertUnlessKeyHeld(SavepointManager transaction, NewTask task, Placement placement) {
		String key = task.key();
		for (int attempt = 1;; attempt++) {
			if (this.sql.insertTaskUnlessKeyHeld != null) {
				this.rows.insertOne(this.sql.insertTaskUnlessKeyHeld, task, placement);
				KeyHolder holder = keyHolder(key);
				if (holder != null) {
					return holder.id().equals(task.id()) ? null : holder;
				}
			}
			Object savepoint = transaction.createSavepoint();
			try {
				this.rows.insertOne(this.sql.insertTask, task, placement);
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
		KeyHolder holder = lockedKeyHolders(List.of(key)).get(key);
		return (holder != null) ? holder : committedKeyHolder(key);
	}

	/** The given tasks as the holders of their own keys, by key. */
	private static Map<String, KeyHolder> ownKeys(List<NewTask> tasks, List<Placement> placements) {
		Map<String, KeyHolder> holders = new HashMap<>();
		for (int i = 0; i < tasks.size(); i++) {
			NewTask task = tasks.get(i);
			if (task.key() != null) {
				holders.put(task.key(), new KeyHolder(task.id(), placements.get(i).status(), true));
			}
		}
		return holders;
	}

	/** The unfinished tasks holding the given keys that a locking read sees, locked, by key. */
	private Map<String, KeyHolder> lockedKeyHolders(List<String> keys) {
		Map<String, KeyHolder> holders = new HashMap<>();
		for (List<String> chunk : JdbcSupport.chunks(new LinkedHashSet<>(keys))) {
			this.jdbc.query(Statements.withIds(this.sql.selectKeyHolders, chunk.size()), (ps) -> {
				for (int i = 0; i < chunk.size(); i++) {
					ps.setString(i + 1, chunk.get(i));
				}
			}, (rs) -> {
				holders.put(rs.getString("unique_key"), keyHolder(rs, true));
			});
		}
		return holders;
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

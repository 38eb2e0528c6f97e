package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.jdbc.JdbcSupport.TypeAndQueue;
import dev.taskqueue.store.jdbc.TaskInserts.Edge;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Cancels a task with the tasks waiting for it, and queues a failed or cancelled task again;
 * jobs cancel and retry their tasks through it as well.
 */
final class CancelAndRetry {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskInserts inserts;

	CancelAndRetry(JdbcSupport support, TaskInserts inserts) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.inserts = inserts;
	}

	boolean cancel(UUID id, Instant now) {
		Boolean cancelled = this.support.inCallerTransaction((transaction) -> {
			LockedTask task = lockTask(id);
			TaskStatus status = task.status();
			if (status == TaskStatus.SUCCEEDED || status == TaskStatus.CANCELLED) {
				return false;
			}
			// A FAILED task finished already, and was counted then
			cancelWithDescendants(List.of(id), (status != TaskStatus.FAILED) ? List.of(task.tags()) : List.of(), now);
			if (status == TaskStatus.RUNNING) {
				this.support.notifyCancelled(id);
			}
			return true;
		});
		return Boolean.TRUE.equals(cancelled);
	}

	/**
	 * Cancels the given locked tasks and, level by level, the tasks waiting for them, which
	 * it locks. Each task cancelled before it finished is counted once, when the transaction
	 * commits.
	 * @param ids the tasks
	 * @param unfinished the tags of those of them that had not finished
	 * @param now the current time
	 */
	void cancelWithDescendants(List<UUID> ids, Collection<TypeAndQueue> unfinished, Instant now) {
		Map<TypeAndQueue, Integer> counts = new HashMap<>();
		unfinished.forEach((task) -> counts.merge(task, 1, Integer::sum));
		List<UUID> level = ids;
		while (!level.isEmpty()) {
			cancelAll(level, now);
			Map<UUID, TypeAndQueue> children = lockWaitingChildren(level);
			children.values().forEach((task) -> counts.merge(task, 1, Integer::sum));
			level = new ArrayList<>(children.keySet());
		}
		this.support.cancelled(counts);
	}

	private void cancelAll(List<UUID> ids, Instant now) {
		for (List<UUID> chunk : JdbcSupport.chunks(ids)) {
			this.jdbc.update(Statements.withIds(this.sql.cancel, chunk.size()), (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				this.support.setIds(ps, 2, chunk);
			});
		}
	}

	/**
	 * The tasks waiting for the given ones, locked, each once however many of them it waits
	 * for: locked, they are still waiting when cancelled, and another cancel that reaches
	 * them at the same time finds them cancelled, so that each is counted once.
	 */
	private Map<UUID, TypeAndQueue> lockWaitingChildren(List<UUID> parents) {
		Set<UUID> children = new LinkedHashSet<>();
		for (List<UUID> chunk : JdbcSupport.chunks(parents)) {
			children.addAll(this.jdbc.query(Statements.withIds(this.sql.selectWaitingChildren, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs, rowNum) -> this.dialect.getId(rs, "id")));
		}
		Map<UUID, TypeAndQueue> locked = new LinkedHashMap<>();
		for (List<UUID> chunk : JdbcSupport.chunks(children)) {
			this.jdbc.query(Statements.withIds(this.sql.lockWaitingTasks, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						locked.put(this.dialect.getId(rs, "id"),
								new TypeAndQueue(rs.getString("type"), rs.getString("queue")));
					});
		}
		return locked;
	}

	boolean retry(UUID id, Instant now) {
		return Boolean.TRUE.equals(this.support.inCallerTransaction((transaction) -> {
			LockedTask task = lockTask(id);
			boolean retried = retryInTransaction(id, task.status(), now);
			if (retried && task.jobId() != null) {
				reopenJob(task.jobId());
			}
			return retried;
		}));
	}

	/** Queues a locked task again; its job, if any, is reopened by the caller, after it. */
	boolean retryInTransaction(UUID id, TaskStatus status, Instant now) {
		if (status != TaskStatus.FAILED && status != TaskStatus.CANCELLED) {
			return false;
		}
		// Locking the parents keeps one from ending unseen while the count is taken
		Map<UUID, Boolean> parents = parentsOf(id);
		Map<UUID, TaskStatus> parentStatuses = this.inserts.lockParents(parents.keySet());
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
			this.support.notifyReady();
		}
		return true;
	}

	/** The parents of a task, with whether it runs even if they fail. */
	private Map<UUID, Boolean> parentsOf(UUID id) {
		Map<UUID, Boolean> parents = new LinkedHashMap<>();
		this.jdbc.query(this.sql.selectParents, (ps) -> this.dialect.setId(ps, 1, id), (rs) -> {
			parents.put(this.dialect.getId(rs, "parent_id"), rs.getBoolean("even_if_failed"));
		});
		return parents;
	}

	/** Reopens a FAILED job; last in its transaction, as completions lock a job after its tasks. */
	void reopenJob(UUID jobId) {
		this.jdbc.update(this.sql.reopenJob, (ps) -> this.dialect.setId(ps, 1, jobId));
	}

	LockedTask lockTask(UUID id) {
		List<LockedTask> tasks = this.jdbc.query(this.sql.lockTask, (ps) -> this.dialect.setId(ps, 1, id),
				(rs, rowNum) -> new LockedTask(TaskStatus.valueOf(rs.getString("status")),
						this.dialect.getNullableId(rs, "job_id"),
						new TypeAndQueue(rs.getString("type"), rs.getString("queue"))));
		if (tasks.isEmpty()) {
			throw new TaskNotFoundException(id, "Task " + id + " not found");
		}
		return tasks.get(0);
	}

	record LockedTask(TaskStatus status, @Nullable UUID jobId, TypeAndQueue tags) {
	}

}

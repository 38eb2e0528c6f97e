package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.ParentTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Reads of tasks: a task with its parents and errors, the results of a task's parents, which
 * tasks finished, and how many tasks of a job are in each status.
 */
final class TaskReads {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	TaskReads(JdbcSupport support) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.rowMapper = support.rowMapper();
	}

	Optional<TaskState> find(UUID id) {
		List<TaskState> rows = this.jdbc.query(this.sql.selectTask, (ps) -> this.dialect.setId(ps, 1, id),
				this.rowMapper);
		return withParentsAndErrors(rows).stream().findFirst();
	}

	/** Completes task rows with their parents and error history, a few queries for all. */
	List<TaskState> withParentsAndErrors(List<TaskState> rows) {
		if (rows.isEmpty()) {
			return rows;
		}
		List<UUID> ids = rows.stream().map(TaskState::id).toList();
		Map<UUID, Set<UUID>> parents = new HashMap<>();
		Map<UUID, List<TaskError>> errors = new HashMap<>();
		for (List<UUID> chunk : JdbcSupport.chunks(ids)) {
			this.jdbc.query(Statements.withIds(this.sql.selectParentsOf, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						parents.computeIfAbsent(this.dialect.getId(rs, "child_id"), (child) -> new LinkedHashSet<>())
							.add(this.dialect.getId(rs, "parent_id"));
					});
			this.jdbc.query(Statements.withIds(this.sql.selectErrorsOf, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						errors.computeIfAbsent(this.dialect.getId(rs, "task_id"), (task) -> new ArrayList<>())
							.add(new TaskError(rs.getInt("attempt"), rs.getString("message"), rs.getString("detail"),
									this.dialect.getInstant(rs, "failed_at")));
					});
		}
		return rows.stream()
			.map((row) -> new TaskState(row.id(), row.type(), row.queue(), row.status(), row.priority(),
					row.attempts(), row.key(), parents.getOrDefault(row.id(), Set.of()), row.jobId(), row.payload(),
					row.result(), row.errorMessage(), row.errorDetail(), errors.getOrDefault(row.id(), List.of()),
					row.createdAt(), row.runAt(), row.startedAt(), row.worker(), row.finishedAt(), row.scheduleSlot(),
					row.progress()))
			.toList();
	}

	List<ParentTask> parents(UUID childId) {
		return this.jdbc.query(this.sql.selectParentResults, (ps) -> this.dialect.setId(ps, 1, childId),
				(rs, rowNum) -> new ParentTask(this.dialect.getId(rs, "id"), rs.getString("type"),
						TaskStatus.valueOf(rs.getString("status")), rs.getString("result")));
	}

	Set<UUID> finished(Collection<UUID> ids) {
		Set<UUID> finished = new HashSet<>();
		for (List<UUID> chunk : JdbcSupport.chunks(ids)) {
			this.jdbc.query(Statements.withIds(this.sql.selectFinished, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						finished.add(this.dialect.getId(rs, "id"));
					});
		}
		return finished;
	}

	TaskCounts countUnfinished(Instant now) {
		List<TaskCounts.Group> groups = this.jdbc.query(this.sql.countUnfinishedTasks,
				(ps) -> this.dialect.setInstant(ps, 1, now),
				(rs, rowNum) -> new TaskCounts.Group(rs.getString("queue"), rs.getString("type"),
						TaskStatus.valueOf(rs.getString("status")), rs.getLong("tasks"), rs.getLong("due"),
						this.dialect.getInstant(rs, "first_run_at")));
		return new TaskCounts(now, groups);
	}

	/** How many of a job's tasks are in each status, every status included. */
	Map<TaskStatus, Integer> countJobTasks(UUID jobId) {
		Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
		for (TaskStatus status : TaskStatus.values()) {
			counts.put(status, 0);
		}
		this.jdbc.query(this.sql.countJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId), (rs) -> {
			counts.put(TaskStatus.valueOf(rs.getString("status")), rs.getInt("tasks"));
		});
		return counts;
	}

}

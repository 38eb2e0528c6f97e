package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Deletes finished tasks and jobs whose retention is over, in small batches, each a short
 * transaction of its own that touches only finished rows by primary key: it never holds a
 * lock that a claim waits for. A task goes with its error history and its edges to parents
 * and children; a task that an unfinished child waits for stays. Tasks of a job are never
 * deleted on their own: a job that ended goes as a unit with its tasks and callbacks, in
 * batches of tasks and last its own row. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class JdbcRetentionStore {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final TransactionTemplate transaction;

	private final String prefix;

	private final String lockExpiredTasks;

	private final String deleteTaskErrors;

	private final String deleteTaskEdges;

	private final String deleteTasks;

	private final String selectFiredSlots;

	private final String deleteFiredSlot;

	private final String selectExpiredJobs;

	private final String lockExpiredJob;

	private final String selectJobTaskIds;

	private final String deleteJobCallbacks;

	private final String deleteJob;

	/**
	 * Create a store.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 */
	public JdbcRetentionStore(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.transaction.setIsolationLevel(dialect.workerIsolation());
		this.prefix = tablePrefix;
		this.lockExpiredTasks = Statements.prefixed(dialect.lockExpiredTasks(), tablePrefix);
		this.deleteTaskErrors = Statements.prefixed(dialect.deleteTaskErrors(), tablePrefix);
		this.deleteTaskEdges = Statements.prefixed(dialect.deleteTaskEdges(), tablePrefix);
		this.deleteTasks = Statements.prefixed(dialect.deleteTasks(), tablePrefix);
		this.selectFiredSlots = Statements.prefixed(dialect.selectFiredSlots(), tablePrefix);
		this.deleteFiredSlot = Statements.prefixed(dialect.deleteFiredSlot(), tablePrefix);
		this.selectExpiredJobs = Statements.prefixed(dialect.selectExpiredJobs(), tablePrefix);
		this.lockExpiredJob = Statements.prefixed(dialect.lockExpiredJob(), tablePrefix);
		this.selectJobTaskIds = Statements.prefixed(dialect.selectJobTaskIds(), tablePrefix);
		this.deleteJobCallbacks = Statements.prefixed(dialect.deleteJobCallbacks(), tablePrefix);
		this.deleteJob = Statements.prefixed(dialect.deleteJob(), tablePrefix);
	}

	/**
	 * Delete up to {@code limit} finished tasks outside jobs of one status that finished
	 * before a time, of one type or of any type but some.
	 * @param status the final status
	 * @param finishedBefore the end of their retention
	 * @param type the type, or {@code null} for any type not in {@code otherTypes}
	 * @param otherTypes the types to leave out when {@code type} is {@code null}
	 * @param limit the most tasks to delete
	 * @return how many tasks were deleted
	 */
	public Deleted deleteTasks(TaskStatus status, Instant finishedBefore, @Nullable String type,
			Collection<String> otherTypes, int limit) {
		Assert.isTrue(status.isFinished(), () -> "Status " + status + " is not final");
		List<String> types = (type != null) ? List.of(type) : List.copyOf(otherTypes);
		String select = Statements.prefixed(this.dialect.selectExpiredTasks(type != null, types.size()), this.prefix);
		// Read unlocked, then lock and check again by id: the read takes no lock a claim waits for
		List<UUID> candidates = this.jdbc.query(select, (ps) -> {
			ps.setString(1, status.name());
			this.dialect.setInstant(ps, 2, finishedBefore);
			for (int i = 0; i < types.size(); i++) {
				ps.setString(3 + i, types.get(i));
			}
			ps.setInt(3 + types.size(), limit);
		}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
		if (candidates.isEmpty()) {
			return Deleted.NONE;
		}
		Integer deleted = this.transaction.execute((transaction) -> {
			List<UUID> ids = this.jdbc.query(Statements.withIds(this.lockExpiredTasks, candidates.size()), (ps) -> {
				ps.setString(1, status.name());
				this.dialect.setInstant(ps, 2, finishedBefore);
				this.dialect.setIds(ps, 3, candidates);
			}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
			deleteRows(ids);
			return ids.size();
		});
		return new Deleted((deleted != null) ? deleted : 0, 0);
	}

	/**
	 * Return jobs that ended in one status before a time.
	 * @param status the final status
	 * @param finishedBefore the end of their retention
	 * @param limit the most jobs to return
	 * @return their ids
	 */
	public List<UUID> expiredJobs(JobStatus status, Instant finishedBefore, int limit) {
		Assert.isTrue(status.isFinished(), () -> "Status " + status + " is not final");
		return this.jdbc.query(this.selectExpiredJobs, (ps) -> {
			ps.setString(1, status.name());
			this.dialect.setInstant(ps, 2, finishedBefore);
			ps.setInt(3, limit);
		}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
	}

	/**
	 * Delete the next batch of an ended job: up to {@code limit} of its tasks, or, once none
	 * is left, its callbacks and itself. Nothing if the job no longer ended in the status
	 * before the time, because it was reopened or is gone.
	 * @param jobId the job
	 * @param status the status it ended in
	 * @param finishedBefore the end of its retention
	 * @param limit the most tasks to delete
	 * @return the tasks deleted, and whether the job was
	 */
	public Deleted deleteJobBatch(UUID jobId, JobStatus status, Instant finishedBefore, int limit) {
		Deleted deleted = this.transaction.execute((transaction) -> {
			// Locked, so that a retry of the job waits, and then finds it gone or whole
			List<UUID> locked = this.jdbc.query(this.lockExpiredJob, (ps) -> {
				this.dialect.setId(ps, 1, jobId);
				ps.setString(2, status.name());
				this.dialect.setInstant(ps, 3, finishedBefore);
			}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
			if (locked.isEmpty()) {
				return Deleted.NONE;
			}
			List<UUID> tasks = this.jdbc.query(this.selectJobTaskIds, (ps) -> {
				this.dialect.setId(ps, 1, jobId);
				ps.setInt(2, limit);
			}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
			if (!tasks.isEmpty()) {
				deleteRows(tasks);
				return new Deleted(tasks.size(), 0);
			}
			this.jdbc.update(this.deleteJobCallbacks, (ps) -> this.dialect.setId(ps, 1, jobId));
			this.jdbc.update(this.deleteJob, (ps) -> this.dialect.setId(ps, 1, jobId));
			return new Deleted(0, 1);
		});
		return (deleted != null) ? deleted : Deleted.NONE;
	}

	/**
	 * Deletes tasks with their error history, their edges and the records of the schedule
	 * slots they were fired for, by primary key.
	 */
	private void deleteRows(List<UUID> ids) {
		if (ids.isEmpty()) {
			return;
		}
		List<Object[]> slots = this.jdbc.query(Statements.withIds(this.selectFiredSlots, ids.size()),
				(ps) -> this.dialect.setIds(ps, 1, ids), (rs, row) -> new Object[] { rs.getString("schedule_name"),
						this.dialect.getInstant(rs, "schedule_slot") });
		if (!slots.isEmpty()) {
			this.jdbc.batchUpdate(this.deleteFiredSlot, slots, slots.size(), (ps, slot) -> {
				ps.setString(1, (String) slot[0]);
				this.dialect.setInstant(ps, 2, (Instant) slot[1]);
			});
		}
		this.jdbc.update(Statements.withIds(this.deleteTaskErrors, ids.size()), (ps) -> this.dialect.setIds(ps, 1, ids));
		this.jdbc.update(Statements.withIds(this.deleteTaskEdges, ids.size()), (ps) -> {
			this.dialect.setIds(ps, 1, ids);
			this.dialect.setIds(ps, 1 + ids.size(), ids);
		});
		this.jdbc.update(Statements.withIds(this.deleteTasks, ids.size()), (ps) -> this.dialect.setIds(ps, 1, ids));
	}


	/**
	 * What one batch deleted.
	 *
	 * @param tasks the tasks deleted
	 * @param jobs the jobs deleted
	 */
	public record Deleted(int tasks, int jobs) {

		/** Nothing deleted. */
		public static final Deleted NONE = new Deleted(0, 0);

	}

}

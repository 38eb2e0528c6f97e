package dev.taskqueue.store.jdbc;

import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.JdbcSupport.TypeAndQueue;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * What an application does with jobs: starts one with its tasks and callbacks, adds tasks to
 * it, reads its state and tasks, and cancels or retries its tasks.
 */
final class Jobs {

	/**
	 * How often a job's cancel tries again after a deadlock with a completion: a planner that
	 * keeps adding chunks can win several times in a row on H2, which locks rows in scan order.
	 */
	private static final int MAX_CANCEL_ATTEMPTS = 10;

	/** Longest pause before a cancel tries again, so that the completion it lost to can finish. */
	private static final long MAX_CANCEL_BACKOFF_MILLIS = 20;

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final PayloadCodec codec;

	private final TaskInserts inserts;

	private final TaskReads reads;

	private final CancelAndRetry cancelAndRetry;

	Jobs(JdbcSupport support, TaskInserts inserts, TaskReads reads, CancelAndRetry cancelAndRetry) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.rowMapper = support.rowMapper();
		this.codec = support.codec();
		this.inserts = inserts;
		this.reads = reads;
		this.cancelAndRetry = cancelAndRetry;
	}

	List<UUID> startJob(NewJob job) {
		return this.support.inCallerTransaction((transaction) -> {
			this.jdbc.update(this.sql.insertJob, (ps) -> {
				this.dialect.setId(ps, 1, job.id());
				ps.setString(2, job.name());
				this.dialect.setNullableId(ps, 3, job.plannerId());
				ps.setObject(4, job.expectedTasks(), Types.INTEGER);
				this.dialect.setInstant(ps, 5, job.createdAt());
			});
			List<UUID> ids = this.inserts.insert(transaction, job.tasks());
			this.support.inserted(job.tasks(), ids);
			List<NewJob.Callback> callbacks = job.callbacks();
			this.jdbc.batchUpdate(this.sql.insertJobCallback,
					JdbcSupport.batch(JdbcSupport.indexes(callbacks.size()), (ps, position) -> {
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

	List<UUID> addToJob(UUID jobId, List<NewTask> tasks) {
		return this.support.inCallerTransaction((transaction) -> {
			List<UUID> ids = this.inserts.insert(transaction, tasks);
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
			this.support.inserted(tasks, ids);
			return ids;
		});
	}

	/** A job's row and the counts of its tasks, read on one snapshot so that they agree. */
	Optional<JobState> findJob(UUID jobId) {
		return this.support.inOneSnapshot(() -> readJob(jobId));
	}

	private Optional<JobState> readJob(UUID jobId) {
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
			.map((row) -> JobProgress.state(jobId, row.name(), row.status(), this.reads.countJobTasks(jobId),
					row.plannerStatus(), row.expectedTasks(), this.codec.value(row.result()), row.createdAt(),
					row.startedAt(), row.finishedAt()));
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

	List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit) {
		String sql = (status != null) ? this.sql.selectJobTasksWithStatus : this.sql.selectJobTasks;
		return this.reads.withParentsAndErrors(this.jdbc.query(sql, (ps) -> {
			int index = 1;
			this.dialect.setId(ps, index++, jobId);
			if (status != null) {
				ps.setString(index++, status.name());
			}
			ps.setInt(index++, offset);
			ps.setInt(index, limit);
		}, this.rowMapper));
	}

	Optional<Set<UUID>> cancelJob(UUID jobId, Instant now) {
		boolean ownTransaction = !this.support.joinsCallerTransaction();
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
				pauseBeforeRetry(attempt);
			}
		}
	}

	/** A random pause growing with the attempt, so that two writers stop colliding in step. */
	private static void pauseBeforeRetry(int attempt) {
		long bound = Math.min(MAX_CANCEL_BACKOFF_MILLIS, 2L * attempt);
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TaskQueueException("Interrupted while cancelling a job", ex);
		}
	}

	private Optional<Set<UUID>> cancelJobOnce(UUID jobId, Instant now) {
		return this.support.inCallerTransaction((transaction) -> {
			JobStatus status = jobStatus(jobId);
			if (status == JobStatus.SUCCEEDED || status == JobStatus.CANCELLED) {
				return Optional.<Set<UUID>>empty();
			}
			Set<UUID> running = new HashSet<>();
			cancelUnfinishedTasks(jobId, running, now);
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
			cancelUnfinishedTasks(jobId, running, now);
			running.forEach(this.support::notifyCancelled);
			return Optional.of(Set.copyOf(running));
		});
	}

	/** Locks a job's unfinished tasks and cancels them with their descendants; adds the running ones. */
	private void cancelUnfinishedTasks(UUID jobId, Set<UUID> running, Instant now) {
		Map<UUID, TypeAndQueue> unfinished = new LinkedHashMap<>();
		this.jdbc.query(this.sql.lockUnfinishedJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId), (rs) -> {
			UUID id = this.dialect.getId(rs, "id");
			if (TaskStatus.RUNNING.name().equals(rs.getString("status"))) {
				running.add(id);
			}
			unfinished.put(id, new TypeAndQueue(rs.getString("type"), rs.getString("queue")));
		});
		this.cancelAndRetry.cancelWithDescendants(new ArrayList<>(unfinished.keySet()), unfinished.values(), now);
	}

	int retryJob(UUID jobId, Instant now) {
		Integer retried = this.support.inCallerTransaction((transaction) -> {
			JobStatus status = jobStatus(jobId);
			if (status == JobStatus.CANCELLED) {
				throw new TaskQueueException("Job " + jobId + " was cancelled; its tasks cannot be retried");
			}
			List<UUID> failed = this.jdbc.query(this.sql.selectFailedJobTasks, (ps) -> this.dialect.setId(ps, 1, jobId),
					(rs, rowNum) -> this.dialect.getId(rs, "id"));
			int count = 0;
			for (UUID id : failed) {
				TaskStatus taskStatus = this.cancelAndRetry.lockTask(id).status();
				count += this.cancelAndRetry.retryInTransaction(id, taskStatus, now) ? 1 : 0;
			}
			if (count > 0) {
				this.cancelAndRetry.reopenJob(jobId);
			}
			return count;
		});
		return (retried != null) ? retried : 0;
	}

	private record JobRow(JobStatus status, String name, @Nullable TaskStatus plannerStatus,
			@Nullable Integer expectedTasks, @Nullable String result, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {
	}

}

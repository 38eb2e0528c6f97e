package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.TaskQueueException;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.JobWrites;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Records the outcomes of attempts, those reported by workers and the failures of expired
 * leases: writes what planners add to their jobs, releases the children of ended tasks, and
 * settles their jobs.
 */
final class TaskCompletions {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final TransactionTemplate workerTransaction;

	private final TaskInserts inserts;

	private final JobSettlement settlement;

	TaskCompletions(JdbcSupport support, TaskInserts inserts, JobSettlement settlement) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.rowMapper = support.rowMapper();
		this.workerTransaction = support.workerTransaction();
		this.inserts = inserts;
		this.settlement = settlement;
	}

	Completion complete(List<TaskOutcome> outcomes, Instant now) {
		List<TaskOutcome.Succeeded> succeeded = new ArrayList<>();
		List<TaskOutcome.Succeeded> writingToJobs = new ArrayList<>();
		List<TaskOutcome.Failed> failed = new ArrayList<>();
		List<TaskOutcome.Postponed> postponed = new ArrayList<>();
		// In id order, as a job's cancel locks its tasks: of the two, one waits for the other
		List<TaskOutcome> ordered = outcomes.stream().sorted(Comparator.comparing(TaskOutcome::id)).toList();
		for (TaskOutcome outcome : ordered) {
			if (outcome instanceof TaskOutcome.Succeeded success) {
				((success.jobWrites() != null) ? writingToJobs : succeeded).add(success);
			}
			else if (outcome instanceof TaskOutcome.Postponed later) {
				postponed.add(later);
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
					failed.add(new TaskOutcome.Failed(outcome.id(), outcome.attempt(), outcome.claimToken(),
							outcome.jobId(), message, message, null));
				}
			}
			List<TaskOutcome.Failed> recordedFailures = recordFailed(failed, now);
			current.addAll(recordPostponed(postponed));
			current.addAll(ended);
			current.addAll(recordedFailures);
			ended.addAll(notRetried(recordedFailures));
			return afterEnded(transaction, ended, plannedJobs, now) || !writingToJobs.isEmpty();
		});
		return new Completion(current, Boolean.TRUE.equals(mayBeReady));
	}

	int rescue(Instant now, int limit, Function<ClaimedTask, TaskOutcome.Failed> failure) {
		Integer rescued = this.workerTransaction.execute((transaction) -> {
			// A task claimed before claims had tokens reads as token 0, which its failure matches
			List<ClaimedTask> expired = this.jdbc.query(this.sql.lockExpired, (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				ps.setInt(2, limit);
			}, (rs, rowNum) -> this.rowMapper.claimed(rs, 0, rs.getLong("claim_token")));
			List<TaskOutcome> ended = new ArrayList<>(notRetried(recordFailed(expired.stream().map(failure).toList(), now)));
			afterEnded(transaction, ended, Set.of(), now);
			if (!expired.isEmpty()) {
				this.support.notifyReady();
			}
			return expired.size();
		});
		return (rescued != null) ? rescued : 0;
	}

	private List<TaskOutcome.Succeeded> recordSucceeded(List<TaskOutcome.Succeeded> succeeded, Instant now) {
		if (succeeded.isEmpty()) {
			return List.of();
		}
		int[] counts = this.jdbc.batchUpdate(this.sql.completeSucceeded,
				JdbcSupport.batch(succeeded, (ps, outcome) -> setSucceeded(ps, outcome, now)));
		return current(succeeded, counts);
	}

	private void setSucceeded(PreparedStatement ps, TaskOutcome.Succeeded outcome, Instant now) throws SQLException {
		ps.setString(1, outcome.result());
		this.dialect.setInstant(ps, 2, now);
		this.dialect.setId(ps, 3, outcome.id());
		ps.setLong(4, outcome.claimToken());
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
				ps.setLong(5, outcome.claimToken());
			}) : this.jdbc.update(this.sql.completeSucceeded, (ps) -> setSucceeded(ps, outcome, now));
			if (recorded == 0) {
				transaction.releaseSavepoint(savepoint);
				return JobWriteResult.STALE;
			}
			List<UUID> added = this.inserts.insert(transaction, writes.tasks());
			if (writes.jobResult() != null) {
				this.jdbc.update(this.sql.setJobResult, (ps) -> {
					ps.setString(1, writes.jobResult());
					this.dialect.setId(ps, 2, outcome.jobId());
				});
			}
			if (runsAgain) {
				this.support.notifyReady();
			}
			transaction.releaseSavepoint(savepoint);
			this.support.inserted(writes.tasks(), added);
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
		return this.settlement.settle(transaction, jobs, now) > 0 || released;
	}

	/**
	 * Fails or requeues each attempt whose claim still holds its task, and keeps its error.
	 * @return the failures that were current
	 */
	private List<TaskOutcome.Failed> recordFailed(List<TaskOutcome.Failed> failed, Instant now) {
		if (failed.isEmpty()) {
			return List.of();
		}
		List<TaskOutcome.Failed> retried = failed.stream().filter((outcome) -> outcome.retryAt() != null).toList();
		List<TaskOutcome.Failed> ended = failed.stream().filter((outcome) -> outcome.retryAt() == null).toList();
		List<TaskOutcome.Failed> recorded = new ArrayList<>(failed.size());
		recorded.addAll(current(retried,
				this.jdbc.batchUpdate(this.sql.completeRetry, JdbcSupport.batch(retried, (ps, outcome) -> {
					this.dialect.setInstant(ps, 1, outcome.retryAt());
					ps.setString(2, outcome.message());
					ps.setString(3, outcome.detail());
					this.dialect.setId(ps, 4, outcome.id());
					ps.setLong(5, outcome.claimToken());
				}))));
		List<TaskOutcome.Failed> endedCurrent = current(ended,
				this.jdbc.batchUpdate(this.sql.completeFailed, JdbcSupport.batch(ended, (ps, outcome) -> {
					ps.setString(1, outcome.message());
					ps.setString(2, outcome.detail());
					this.dialect.setInstant(ps, 3, now);
					this.dialect.setId(ps, 4, outcome.id());
					ps.setLong(5, outcome.claimToken());
				})));
		recorded.addAll(endedCurrent);
		if (!recorded.isEmpty()) {
			this.jdbc.batchUpdate(this.sql.insertError, JdbcSupport.batch(recorded, (ps, outcome) -> {
				this.dialect.setId(ps, 1, outcome.id());
				ps.setInt(2, outcome.attempt());
				ps.setString(3, outcome.message());
				ps.setString(4, outcome.detail());
				this.dialect.setInstant(ps, 5, now);
			}));
		}
		return recorded;
	}

	/** Puts back each postponed task whose claim still holds it. */
	private List<TaskOutcome.Postponed> recordPostponed(List<TaskOutcome.Postponed> postponed) {
		if (postponed.isEmpty()) {
			return List.of();
		}
		return current(postponed,
				this.jdbc.batchUpdate(this.sql.completePostponed, JdbcSupport.batch(postponed, (ps, outcome) -> {
					this.dialect.setInstant(ps, 1, outcome.runAt());
					this.dialect.setId(ps, 2, outcome.id());
					ps.setLong(3, outcome.claimToken());
				})));
	}

	private static List<TaskOutcome.Failed> notRetried(List<TaskOutcome.Failed> failed) {
		return failed.stream().filter((outcome) -> outcome.retryAt() == null).toList();
	}

	/** The outcomes whose update matched a row: those of attempts whose claim still held the task. */
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
		this.jdbc.batchUpdate(this.sql.releaseChild, JdbcSupport.batch(children, (ps, child) -> {
			ps.setInt(1, child.getValue());
			ps.setInt(2, child.getValue());
			this.dialect.setId(ps, 3, child.getKey());
		}));
		this.support.notifyReady();
		return true;
	}

	private void countChildren(String selectChildren, List<UUID> parents, Map<UUID, Integer> counts) {
		for (List<UUID> chunk : JdbcSupport.chunks(parents)) {
			this.jdbc.query(Statements.withIds(selectChildren, chunk.size()), (ps) -> this.support.setIds(ps, 1, chunk),
					(rs) -> {
						counts.merge(this.dialect.getId(rs, "child_id"), 1, Integer::sum);
					});
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

}

package dev.taskqueue.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobState;
import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;

/**
 * Where tasks live: the only door to the database. Every method is one transaction, or joins
 * the caller's where it says so.
 *
 * @since 0.1.0
 */
public interface TaskStore {

	/**
	 * Insert tasks and their parent edges, joining the caller's transaction if there is one.
	 * A task whose parents have not all succeeded waits; a task with a cancelled parent is
	 * cancelled at once.
	 * A task with a unique key that an unfinished task already holds is not inserted: the
	 * holder stands in for it, also as the parent of later tasks of the list.
	 * <p>
	 * Tasks ready at once wake the other nodes, unless the caller says this node claims them
	 * itself: a node with room for them wakes only its own poller, and the others, with their
	 * listening connections, sleep on.
	 * @param tasks the tasks; a task may name an earlier task of the list as its parent
	 * @param wakeOtherNodes whether to wake the other nodes for the tasks ready at once
	 * @return the id of each task, in order: its own, or that of the task holding its key
	 * @throws TaskNotFoundException if a parent exists neither in the store nor earlier in the
	 * list; nothing is written then
	 */
	List<UUID> insert(List<NewTask> tasks, boolean wakeOtherNodes);

	/**
	 * Claim up to {@code limit} ready tasks of one queue, highest priority first, then oldest,
	 * skipping rows other claimers hold.
	 * @param queue the queue
	 * @param limit how many tasks at most
	 * @param worker the claiming node
	 * @param now the current time
	 * @param leaseUntil when the claim lapses unless renewed
	 * @return the claimed tasks, RUNNING with their attempt counted, each with the token of its
	 * claim, in claim order
	 */
	List<ClaimedTask> claim(String queue, int limit, String worker, Instant now, Instant leaseUntil);

	/**
	 * Whether {@link #insertAndClaim} can insert the given tasks here: no caller's transaction,
	 * no task with parents or a key, no more tasks than one such statement inserts, and a
	 * database that can claim in an insert's round trip.
	 * @param tasks the tasks
	 * @return whether it can
	 */
	boolean canInsertAndClaim(List<NewTask> tasks);

	/**
	 * Insert tasks without parents or unique keys, outside a caller's transaction, and claim
	 * ready tasks of one queue as {@link #claim} does, in the same round trip and commit,
	 * where the store can: the claim sees the tasks and takes them in claim order, with any
	 * ready before them. Other nodes are not woken.
	 * @param tasks the tasks
	 * @param queue the queue to claim from
	 * @param limit how many tasks to claim at most
	 * @param worker the claiming node
	 * @param now the current time
	 * @param leaseUntil when the claim lapses unless renewed
	 * @return the claimed tasks as {@link #claim} returns them, or {@code null} if the store
	 * cannot do both at once here (see {@link #canInsertAndClaim}, or a connection out of
	 * auto-commit mode), and then nothing was written
	 */
	@Nullable List<ClaimedTask> insertAndClaim(List<NewTask> tasks, String queue, int limit, String worker,
			Instant now, Instant leaseUntil);

	/**
	 * Record outcomes in one transaction. An outcome is recorded only if its claim still
	 * holds the task; others change nothing. For each task that succeeded, its waiting children
	 * whose parents have now all succeeded become ready in the same transaction; so do the
	 * children that run even if a parent failed, once it failed for good. A succeeded attempt's
	 * writes to its job are made in the same transaction, and a job none of whose tasks can run
	 * any more ends, enqueueing its callbacks. A postponed task goes back to READY, due at its
	 * new time, with its attempt not counted and no error kept.
	 * @param outcomes the outcomes
	 * @param now the current time
	 * @return the outcomes recorded, and whether tasks may have become ready
	 */
	Completion complete(List<TaskOutcome> outcomes, Instant now);

	/**
	 * Extend the leases of running tasks a worker holds, each under the claim it was given.
	 * @param tasks the claimed tasks
	 * @param worker the worker
	 * @param leaseUntil the new end of the leases
	 * @return the ids of the tasks whose claim the worker no longer holds: cancelled, taken
	 * back after their lease lapsed, or claimed anew after a database crash lost the claim
	 */
	Set<UUID> renew(Collection<ClaimedTask> tasks, String worker, Instant leaseUntil);

	/**
	 * Write the latest progress of running attempts, all in one transaction. A report is
	 * written only while its claim still holds the task, and only over progress reported no
	 * later than it.
	 * @param reports the reports, at most one per task
	 * @return how many were written
	 */
	int writeProgress(List<ProgressReport> reports);

	/**
	 * Take back running tasks whose lease lapsed, counting their attempt as failed: each is
	 * retried or failed as the given function decides. The lapsed claim ends with it, so that
	 * a late outcome of that attempt changes nothing.
	 * @param now the current time
	 * @param limit how many tasks at most
	 * @param failure the outcome of a lapsed attempt
	 * @return how many tasks were taken back
	 */
	int rescue(Instant now, int limit, Function<ClaimedTask, TaskOutcome.Failed> failure);

	/**
	 * Return which of the given tasks have finished: SUCCEEDED, FAILED or CANCELLED.
	 * @param ids the task ids
	 * @return the finished ones
	 */
	Set<UUID> finished(Collection<UUID> ids);

	/**
	 * Count the unfinished tasks per queue, type and status, without reading finished ones.
	 * @param now the time that decides which tasks are due
	 * @return the counts
	 */
	TaskCounts countUnfinished(Instant now);

	/**
	 * Put running tasks of a worker back in the queue without counting their attempt; a task
	 * whose claim the worker no longer holds is left as it is.
	 * @param tasks the claimed tasks
	 * @param worker the worker that holds them
	 * @return how many were handed back
	 */
	int handBack(Collection<ClaimedTask> tasks, String worker);

	/**
	 * Look a task up.
	 * @param id the task id
	 * @return its state, or empty
	 */
	Optional<TaskState> find(UUID id);

	/**
	 * Cancel a task that has not succeeded, and its waiting descendants, joining the caller's
	 * transaction if there is one. A running task's claim ends with it.
	 * @param id the task id
	 * @param now the current time
	 * @return {@code true} if it was cancelled, {@code false} if it had already succeeded or
	 * been cancelled
	 * @throws TaskNotFoundException if there is no such task
	 */
	boolean cancel(UUID id, Instant now);

	/**
	 * Queue a FAILED or CANCELLED task again, joining the caller's transaction if there is one.
	 * @param id the task id
	 * @param now the current time
	 * @return {@code true} if it was queued again
	 * @throws TaskNotFoundException if there is no such task
	 */
	boolean retry(UUID id, Instant now);

	/**
	 * Return the parents of a task, with their results.
	 * @param childId the task id
	 * @return its parents
	 */
	List<ParentTask> parents(UUID childId);

	/**
	 * Insert a job with its tasks and callbacks, joining the caller's transaction if there is
	 * one.
	 * @param job the job
	 * @return the id of each task, as {@link #insert(List, boolean)} returns them
	 * @throws TaskNotFoundException if a parent does not exist; nothing is written then
	 */
	List<UUID> startJob(NewJob job);

	/**
	 * Add tasks to a running job, joining the caller's transaction if there is one.
	 * @param jobId the job id
	 * @param tasks the tasks, their job id set
	 * @return the id of each task, as {@link #insert(List, boolean)} returns them
	 * @throws JobNotFoundException if there is no such job
	 * @throws TaskQueueException if the job has ended; nothing is written then
	 */
	List<UUID> addToJob(UUID jobId, List<NewTask> tasks);

	/**
	 * Look a job up.
	 * @param jobId the job id
	 * @return its state, or empty
	 */
	Optional<JobState> findJob(UUID jobId);

	/**
	 * List a job's tasks in the order they were added.
	 * @param jobId the job id
	 * @param status only tasks in this status, or {@code null} for all
	 * @param offset how many to skip
	 * @param limit how many at most
	 * @return the tasks
	 */
	List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit);

	/**
	 * Cancel a job that has not succeeded and its unfinished tasks, with their waiting
	 * descendants, joining the caller's transaction if there is one.
	 * @param jobId the job id
	 * @param now the current time
	 * @return the tasks that were running, to be interrupted; empty if the job had already
	 * succeeded or been cancelled
	 * @throws JobNotFoundException if there is no such job
	 */
	Optional<Set<UUID>> cancelJob(UUID jobId, Instant now);

	/**
	 * Queue a job's FAILED tasks again, reopening the job if it FAILED, joining the caller's
	 * transaction if there is one.
	 * @param jobId the job id
	 * @param now the current time
	 * @return how many tasks were queued again
	 * @throws JobNotFoundException if there is no such job
	 * @throws TaskQueueException if the job was cancelled
	 */
	int retryJob(UUID jobId, Instant now);

	/**
	 * End running jobs none of whose tasks can run any more, whose end went unseen: after a
	 * task was cancelled on its own, for example.
	 * @param now the current time
	 * @param limit how many jobs at most
	 * @return how many jobs ended
	 */
	int settleJobs(Instant now, int limit);

}

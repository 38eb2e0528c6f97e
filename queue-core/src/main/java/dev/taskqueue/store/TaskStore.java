package dev.taskqueue.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskState;

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
	 * @param tasks the tasks; a task may name an earlier task of the list as its parent
	 * @return the id of each task, in order: its own, or that of the task holding its key
	 * @throws TaskNotFoundException if a parent exists neither in the store nor earlier in the
	 * list; nothing is written then
	 */
	List<UUID> insert(List<NewTask> tasks);

	/**
	 * Claim up to {@code limit} ready tasks of one queue, highest priority first, then oldest,
	 * skipping rows other claimers hold.
	 * @param queue the queue
	 * @param limit how many tasks at most
	 * @param worker the claiming node
	 * @param now the current time
	 * @param leaseUntil when the claim lapses unless renewed
	 * @return the claimed tasks, RUNNING with their attempt counted
	 */
	List<ClaimedTask> claim(String queue, int limit, String worker, Instant now, Instant leaseUntil);

	/**
	 * Record outcomes in one transaction. For each task that succeeded, its waiting children
	 * whose parents have now all succeeded become ready in the same transaction.
	 * @param outcomes the outcomes
	 * @param now the current time
	 * @return whether the succeeded tasks had waiting children, some of which may now be ready
	 */
	boolean complete(List<TaskOutcome> outcomes, Instant now);

	/**
	 * Extend the leases of running tasks a worker holds.
	 * @param ids the task ids
	 * @param worker the worker
	 * @param leaseUntil the new end of the leases
	 * @return the ids the worker no longer holds: cancelled, or taken back after their lease
	 * lapsed
	 */
	Set<UUID> renew(Collection<UUID> ids, String worker, Instant leaseUntil);

	/**
	 * Take back running tasks whose lease lapsed, counting their attempt as failed: each is
	 * retried or failed as the given function decides.
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
	 * Put running tasks of a worker back in the queue without counting their attempt.
	 * @param ids the task ids
	 * @param worker the worker that holds them
	 * @return how many were handed back
	 */
	int handBack(Collection<UUID> ids, String worker);

	/**
	 * Look a task up.
	 * @param id the task id
	 * @return its state, or empty
	 */
	Optional<TaskState> find(UUID id);

	/**
	 * Cancel a task that has not succeeded, and its waiting descendants, joining the caller's
	 * transaction if there is one.
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

}

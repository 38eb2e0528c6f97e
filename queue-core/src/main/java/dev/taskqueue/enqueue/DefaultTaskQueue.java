package dev.taskqueue.enqueue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.Assert;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.JobState;
import dev.taskqueue.TaskFailedException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.TaskTimeoutException;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.AfterCommit;
import dev.taskqueue.store.DatabaseFailure;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The {@link TaskQueue}: checks every request (type, payload) before anything is written,
 * resolves options, writes through the store, and wakes this node's poller once the write has
 * committed. Other nodes are woken only for tasks this node has no room to claim at once,
 * counting the room earlier enqueues took that its poller has not claimed for yet: waking
 * them costs the commit a notification and each of them a round trip, and the fastest of
 * them would take the task from this node's idle slot. Tasks of one queue, ready at once, that
 * this node has room for and no claim under way are claimed by the enqueue itself, in the
 * insert's round trip, where the store can.
 *
 * @since 0.1.0
 */
public final class DefaultTaskQueue implements TaskQueue {

	private final RequestResolver resolver;

	private final TaskStore store;

	private final Clock clock;

	private final Runnable wakeup;

	private final Predicate<Map<String, Integer>> localRoom;

	private final Consumer<UUID> localCancel;

	private final Predicate<List<NewTask>> insertClaiming;

	private final TaskWatcher watcher;

	/**
	 * Create a queue.
	 * @param registry the task types
	 * @param store the store
	 * @param codec writes payloads
	 * @param clock the clock
	 * @param wakeup wakes this node's poller
	 * @param localRoom sets aside room for the given number of tasks per queue in this node's
	 * lanes, if they have it, for its poller to claim them once woken
	 * @param localCancel stops a task if it runs on this node
	 * @param insertClaiming inserts tasks of one queue, ready at once, and claims them for
	 * this node in the same round trip, if it has room and can; returns whether it inserted
	 * them, and writes nothing otherwise
	 */
	public DefaultTaskQueue(TaskTypeRegistry registry, TaskStore store, PayloadCodec codec, Clock clock,
			Runnable wakeup, Predicate<Map<String, Integer>> localRoom, Consumer<UUID> localCancel,
			Predicate<List<NewTask>> insertClaiming) {
		this.resolver = new RequestResolver(registry, codec);
		this.store = store;
		this.clock = clock;
		this.wakeup = wakeup;
		this.localRoom = localRoom;
		this.localCancel = localCancel;
		this.insertClaiming = insertClaiming;
		this.watcher = new TaskWatcher(store);
	}

	/**
	 * Return what completes the futures of watched tasks.
	 * @return the watcher
	 */
	public TaskWatcher watcher() {
		return this.watcher;
	}

	@Override
	public TaskRef enqueue(TaskRequest request) {
		return enqueueAll(List.of(request)).get(0);
	}

	@Override
	public List<TaskRef> enqueueAll(List<TaskRequest> requests) {
		List<NewTask> tasks = this.resolver.tasks(requests, null, this.clock.instant());
		Supplier<String> what = () -> "enqueue %d task(s) of type '%s'".formatted(requests.size(),
				requests.get(0).type());
		if (isReadyInOneQueue(tasks) && write(() -> this.insertClaiming.test(tasks), what)) {
			return refs(requests, tasks.stream().map(NewTask::id).toList());
		}
		boolean wakeOtherNodes = !fitsLocally(tasks);
		List<UUID> ids = write(() -> this.store.insert(tasks, wakeOtherNodes), what);
		AfterCommit.run(this.wakeup);
		return refs(requests, ids);
	}

	/** Whether every task of the list is ready without waiting, and all are of one queue. */
	private static boolean isReadyInOneQueue(List<NewTask> tasks) {
		String queue = tasks.get(0).queue();
		for (NewTask task : tasks) {
			if (!task.parents().isEmpty() || !task.isDueWhenEnqueued() || !task.queue().equals(queue)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether this node has room to claim, at once, every task of the list that is ready
	 * without waiting, and has set it aside for them.
	 */
	private boolean fitsLocally(List<NewTask> tasks) {
		Map<String, Integer> readyPerQueue = new HashMap<>();
		for (NewTask task : tasks) {
			if (task.parents().isEmpty() && task.isDueWhenEnqueued()) {
				readyPerQueue.merge(task.queue(), 1, Integer::sum);
			}
		}
		return readyPerQueue.isEmpty() || this.localRoom.test(readyPerQueue);
	}

	private static List<TaskRef> refs(List<TaskRequest> requests, List<UUID> ids) {
		List<TaskRef> refs = new ArrayList<>(requests.size());
		for (int i = 0; i < requests.size(); i++) {
			refs.add(new TaskRef(ids.get(i), requests.get(i).type()));
		}
		return refs;
	}

	/**
	 * Writes through the store, telling what became of the write if the database failed; the
	 * description is written only then.
	 */
	private static <T> T write(Supplier<T> write, Supplier<String> what) {
		try {
			return write.get();
		}
		catch (TransactionSystemException ex) {
			// A failed rollback follows a failed write; a failed commit leaves the write unknown
			throw unavailable(what.get(), (ex.getApplicationException() != null) ? "nothing was written"
					: "the commit failed, so the tasks may or may not exist: look them up by id", ex);
		}
		catch (RuntimeException ex) {
			if (DatabaseFailure.of(ex) != DatabaseFailure.CONNECTION) {
				throw ex;
			}
			throw unavailable(what.get(), "nothing was written", ex);
		}
	}

	private static TaskQueueUnavailableException unavailable(String what, String consequence, RuntimeException ex) {
		return new TaskQueueUnavailableException("Could not %s because the database is unreachable (%s); %s"
			.formatted(what, DatabaseFailure.message(ex), consequence), ex);
	}

	@Override
	public CompletableFuture<TaskState> whenFinished(UUID id) {
		return this.watcher.whenFinished(id);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> submit(TaskRequest request, Class<T> resultType) {
		return resultOf(enqueue(request), resultType);
	}

	@Override
	public <T> @Nullable T apply(TaskRequest request, Class<T> resultType, Duration timeout) {
		TaskRef ref = enqueue(request);
		CompletableFuture<@Nullable T> result = resultOf(ref, resultType);
		try {
			// Saturates where toNanos() would overflow
			return result.get(TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			result.cancel(false);
			throw new TaskTimeoutException(ref.id(), ref.type(), timeout);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof TaskQueueException failure) {
				throw failure;
			}
			throw new TaskQueueException("Waiting for task " + ref.id() + " failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			result.cancel(false);
			throw new TaskQueueException("Interrupted while waiting for task " + ref.id(), ex);
		}
	}

	private <T> CompletableFuture<@Nullable T> resultOf(TaskRef ref, Class<T> resultType) {
		return whenFinished(ref.id()).thenApply((state) -> {
			if (state.status() != TaskStatus.SUCCEEDED) {
				throw new TaskFailedException(state);
			}
			return state.result(resultType);
		});
	}

	@Override
	public Optional<TaskState> find(UUID id) {
		return this.store.find(id);
	}

	@Override
	public boolean cancel(UUID id) {
		boolean cancelled = this.store.cancel(id, this.clock.instant());
		if (cancelled) {
			AfterCommit.run(() -> this.localCancel.accept(id));
		}
		return cancelled;
	}

	@Override
	public JobRef startJob(JobRequest request) {
		NewJob job = this.resolver.job(request, this.clock.instant());
		write(() -> this.store.startJob(job), () -> "start job '%s' with %d task(s)"
			.formatted(request.name(), job.tasks().size()));
		AfterCommit.run(this.wakeup);
		return new JobRef(request.id(), request.name());
	}

	@Override
	public List<TaskRef> addToJob(UUID jobId, List<TaskRequest> tasks) {
		if (tasks.isEmpty()) {
			return List.of();
		}
		List<NewTask> newTasks = this.resolver.tasks(tasks, jobId, this.clock.instant());
		List<UUID> ids = write(() -> this.store.addToJob(jobId, newTasks), () -> "add %d task(s) to job %s"
			.formatted(tasks.size(), jobId));
		AfterCommit.run(this.wakeup);
		return refs(tasks, ids);
	}

	@Override
	public Optional<JobState> findJob(UUID jobId) {
		return this.store.findJob(jobId);
	}

	@Override
	public List<TaskState> findJobTasks(UUID jobId, @Nullable TaskStatus status, int offset, int limit) {
		Assert.isTrue(offset >= 0, "'offset' must not be negative");
		Assert.isTrue(limit > 0, "'limit' must be positive");
		return this.store.findJobTasks(jobId, status, offset, limit);
	}

	@Override
	public boolean cancelJob(UUID jobId) {
		Optional<Set<UUID>> interrupted = this.store.cancelJob(jobId, this.clock.instant());
		interrupted.ifPresent((running) -> AfterCommit.run(() -> running.forEach(this.localCancel)));
		return interrupted.isPresent();
	}

	@Override
	public int retryJob(UUID jobId) {
		int retried = this.store.retryJob(jobId, this.clock.instant());
		if (retried > 0) {
			AfterCommit.run(this.wakeup);
		}
		return retried;
	}

	@Override
	public boolean retry(UUID id) {
		boolean retried = this.store.retry(id, this.clock.instant());
		if (retried) {
			AfterCommit.run(this.wakeup);
		}
		return retried;
	}

}

package dev.taskqueue.enqueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedRuntimeException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;

import dev.taskqueue.TaskFailedException;
import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.TaskTimeoutException;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The {@link TaskQueue}: checks every request (type, payload) before anything is written,
 * resolves options, writes through the store, and wakes this node's poller once the write has
 * committed.
 *
 * @since 0.1.0
 */
public final class DefaultTaskQueue implements TaskQueue {

	private final TaskTypeRegistry registry;

	private final TaskStore store;

	private final PayloadCodec codec;

	private final Clock clock;

	private final Runnable wakeup;

	private final Consumer<UUID> localCancel;

	private final TaskWatcher watcher;

	/**
	 * Create a queue.
	 * @param registry the task types
	 * @param store the store
	 * @param codec writes payloads
	 * @param clock the clock
	 * @param wakeup wakes this node's poller
	 * @param localCancel stops a task if it runs on this node
	 */
	public DefaultTaskQueue(TaskTypeRegistry registry, TaskStore store, PayloadCodec codec, Clock clock,
			Runnable wakeup, Consumer<UUID> localCancel) {
		this.registry = registry;
		this.store = store;
		this.codec = codec;
		this.clock = clock;
		this.wakeup = wakeup;
		this.localCancel = localCancel;
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
		Instant now = this.clock.instant();
		List<NewTask> tasks = new ArrayList<>(requests.size());
		for (TaskRequest request : requests) {
			tasks.add(newTask(request, this.registry.get(request.type()), now));
		}
		List<UUID> ids;
		try {
			ids = this.store.insert(tasks);
		}
		catch (DataAccessResourceFailureException | TransientDataAccessResourceException
				| CannotCreateTransactionException ex) {
			throw unavailable(requests, "nothing was written", ex);
		}
		catch (TransactionSystemException ex) {
			// A failed rollback follows a failed write; a failed commit leaves the write unknown
			throw unavailable(requests, (ex.getApplicationException() != null) ? "nothing was written"
					: "the commit failed, so the tasks may or may not exist: look them up by id", ex);
		}
		afterCommit(this.wakeup);
		List<TaskRef> refs = new ArrayList<>(requests.size());
		for (int i = 0; i < requests.size(); i++) {
			refs.add(new TaskRef(ids.get(i), requests.get(i).type()));
		}
		return refs;
	}

	private static TaskQueueUnavailableException unavailable(List<TaskRequest> requests, String consequence,
			NestedRuntimeException ex) {
		return new TaskQueueUnavailableException("Could not enqueue %d task(s) of type '%s' because the database is unreachable (%s); %s"
			.formatted(requests.size(), requests.get(0).type(), ex.getMostSpecificCause().getMessage(), consequence), ex);
	}

	private NewTask newTask(TaskRequest request, TaskType type, Instant now) {
		String payload;
		try {
			payload = this.codec.write(request.payload());
		}
		catch (JacksonException ex) {
			throw new TaskPayloadException("Payload of task type '%s' cannot be written as JSON: %s"
				.formatted(request.type(), ex.getOriginalMessage()), ex);
		}
		Instant runAt = (request.runAt() != null) ? request.runAt()
				: (request.delay() != null) ? now.plus(request.delay()) : now;
		return new NewTask(request.id(), request.type(), (request.queue() != null) ? request.queue() : type.queue(),
				(request.priority() != null) ? request.priority() : type.priority(), runAt, payload, request.key(),
				request.options(), request.parents(), now);
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
			return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
			afterCommit(() -> this.localCancel.accept(id));
		}
		return cancelled;
	}

	@Override
	public boolean retry(UUID id) {
		boolean retried = this.store.retry(id, this.clock.instant());
		if (retried) {
			afterCommit(this.wakeup);
		}
		return retried;
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					action.run();
				}

			});
		}
		else {
			action.run();
		}
	}

}

package dev.taskqueue.enqueue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;

import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
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
	}

	@Override
	public TaskRef enqueue(TaskRequest request) {
		return enqueueAll(List.of(request)).get(0);
	}

	@Override
	public List<TaskRef> enqueueAll(List<TaskRequest> requests) {
		Instant now = this.clock.instant();
		List<NewTask> tasks = new ArrayList<>(requests.size());
		List<TaskRef> refs = new ArrayList<>(requests.size());
		for (TaskRequest request : requests) {
			tasks.add(newTask(request, this.registry.get(request.type()), now));
			refs.add(new TaskRef(request.id(), request.type()));
		}
		this.store.insert(tasks);
		afterCommit(this.wakeup);
		return refs;
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
				(request.priority() != null) ? request.priority() : type.priority(), runAt, payload,
				request.parents(), now);
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

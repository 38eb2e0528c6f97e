package dev.taskqueue.execute;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.taskqueue.complete.Completer;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Runs claimed tasks on a bounded pool: finds each task's handler, binds its payload, invokes
 * it and hands the outcome to the {@link Completer}.
 *
 * @since 0.1.0
 */
public final class Worker {

	private final TaskTypeRegistry registry;

	private final PayloadCodec codec;

	private final Completer completer;

	private final int concurrency;

	private final TaskQueueMetrics metrics;

	private final ExecutorService executor;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Map<UUID, RunningTask> running = new ConcurrentHashMap<>();

	private final Set<UUID> abandoned = ConcurrentHashMap.newKeySet();

	private volatile Runnable onSlotFreed = () -> {
	};

	/**
	 * Create a worker.
	 * @param registry the task types
	 * @param codec binds payloads and writes results
	 * @param completer records outcomes
	 * @param concurrency how many tasks run at once
	 * @param threadNamePrefix the prefix of the pool's thread names
	 * @param metrics records attempts
	 */
	public Worker(TaskTypeRegistry registry, PayloadCodec codec, Completer completer, int concurrency,
			String threadNamePrefix, TaskQueueMetrics metrics) {
		this.registry = registry;
		this.codec = codec;
		this.completer = completer;
		this.concurrency = concurrency;
		this.metrics = metrics;
		this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory(threadNamePrefix));
	}

	/**
	 * Set what to call when a task has finished and its slot is free.
	 * @param onSlotFreed the callback
	 */
	public void onSlotFreed(Runnable onSlotFreed) {
		this.onSlotFreed = onSlotFreed;
	}

	/**
	 * Return how many more tasks this worker can take now.
	 * @return the free slots
	 */
	public int freeSlots() {
		return this.concurrency - this.inFlight.get();
	}

	/**
	 * Return how many tasks run on this worker now.
	 * @return the running tasks
	 */
	public int active() {
		return this.inFlight.get();
	}

	/**
	 * Return how many tasks this worker runs at once at most.
	 * @return the concurrency
	 */
	public int concurrency() {
		return this.concurrency;
	}

	/**
	 * Start running claimed tasks.
	 * @param tasks the tasks, no more than {@link #freeSlots()}
	 */
	public void run(List<ClaimedTask> tasks) {
		this.inFlight.addAndGet(tasks.size());
		for (ClaimedTask task : tasks) {
			this.executor.execute(() -> execute(task));
		}
	}

	/**
	 * Stop a task if it runs here: its context reports it cancelled and its thread is
	 * interrupted.
	 * @param id the task id
	 */
	public void cancel(UUID id) {
		RunningTask task = this.running.get(id);
		if (task != null) {
			task.cancel();
		}
	}

	/**
	 * Take no more tasks, and wait for the running ones to finish.
	 * @param timeout how long to wait
	 * @return the ids of the tasks still running after the timeout; they have been interrupted
	 * and their outcomes will not be recorded
	 */
	public Set<UUID> shutdown(Duration timeout) {
		this.executor.shutdown();
		try {
			if (this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return Set.of();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Set<UUID> unfinished = Set.copyOf(this.running.keySet());
		this.abandoned.addAll(unfinished);
		this.executor.shutdownNow();
		return unfinished;
	}

	private void execute(ClaimedTask task) {
		RunningTask context = new RunningTask(task, this.codec, Thread.currentThread());
		this.running.put(task.id(), context);
		long start = System.nanoTime();
		try {
			TaskOutcome outcome = outcome(task, context);
			this.metrics.attempt(task.type(), outcome instanceof TaskOutcome.Succeeded, System.nanoTime() - start);
			if (!this.abandoned.contains(task.id())) {
				this.completer.submit(outcome);
			}
		}
		finally {
			this.running.remove(task.id());
			Thread.interrupted();
			this.inFlight.decrementAndGet();
			this.onSlotFreed.run();
		}
	}

	private TaskOutcome outcome(ClaimedTask task, RunningTask context) {
		TaskType type = this.registry.find(task.type());
		if (type == null) {
			return failed(task, "Task type '" + task.type() + "' has no handler on this node", null);
		}
		Object payload;
		try {
			payload = (type.payloadType() != null && task.payload() != null)
					? this.codec.read(task.payload(), type.payloadType()) : null;
		}
		catch (RuntimeException ex) {
			return failed(task, "Payload of task type '%s' does not bind to %s: %s".formatted(task.type(),
					type.payloadType().getTypeName(), Failures.message(ex)), ex);
		}
		Object result;
		try {
			result = type.handler().handle(payload, context);
		}
		catch (Throwable ex) {
			return failed(task, Failures.message(ex), ex);
		}
		try {
			return new TaskOutcome.Succeeded(task.id(), task.attempt(), this.codec.write(result));
		}
		catch (RuntimeException ex) {
			return failed(task, "Result of task type '%s' cannot be written as JSON: %s".formatted(task.type(),
					Failures.message(ex)), ex);
		}
	}

	private static TaskOutcome failed(ClaimedTask task, String message, @Nullable Throwable ex) {
		return new TaskOutcome.Failed(task.id(), task.attempt(), message, (ex != null) ? Failures.detail(ex) : message);
	}

}

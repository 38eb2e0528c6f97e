package dev.taskqueue.execute;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DurationFormat;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import tools.jackson.core.JacksonException;

import dev.taskqueue.RetryAfterException;
import dev.taskqueue.TaskMdc;
import dev.taskqueue.TaskPostponedException;
import dev.taskqueue.complete.Completer;
import dev.taskqueue.complete.FailurePolicy;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.ParentTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Runs claimed tasks: finds each task's handler, binds its payload, invokes it and hands the
 * outcome to the {@link Completer}. How many run at once is bounded per {@link Lane}.
 * <p>
 * An attempt that outlives its timeout is interrupted and failed at once; its slot is free
 * again even if the handler ignores the interrupt, and what the handler returns later is
 * discarded. Threads are therefore not pooled to a fixed count: slots, not threads, bound
 * the work.
 *
 * @since 0.1.0
 */
public final class Worker {

	private static final Log logger = LogFactory.getLog(Worker.class);

	private final TaskTypeRegistry registry;

	private final PayloadCodec codec;

	private final Completer completer;

	private final FailurePolicy failurePolicy;

	private final List<Lane> lanes;

	private final Map<String, Duration> claimLeases = new ConcurrentHashMap<>();

	private final TaskQueueMetrics metrics;

	private final RunningTask.Support support;

	private final ExecutorService executor;

	private final ScheduledExecutorService timeouts;

	private final Map<UUID, RunningTask> running = new ConcurrentHashMap<>();

	private final Set<UUID> abandoned = ConcurrentHashMap.newKeySet();

	private volatile Runnable onAttemptEnded = () -> {
	};

	private volatile Consumer<Lane> onSlotFreed = (lane) -> {
	};

	private volatile Consumer<RunningTask> onHeartbeat = (task) -> {
	};

	/**
	 * Create a worker.
	 * @param registry the task types
	 * @param codec binds payloads and writes results
	 * @param completer records outcomes
	 * @param failurePolicy decides between retrying and failing
	 * @param lanes the lanes whose slots bound the work
	 * @param threadNamePrefix the prefix of the worker threads' names
	 * @param metrics records attempts
	 * @param parents reads a task's parents, for handlers that read their results
	 * @param scheduleSlots reads the schedule slot a task was fired for, for handlers that ask
	 * @param clock the clock
	 */
	public Worker(TaskTypeRegistry registry, PayloadCodec codec, Completer completer, FailurePolicy failurePolicy,
			List<Lane> lanes, String threadNamePrefix, TaskQueueMetrics metrics,
			Function<UUID, List<ParentTask>> parents, Function<UUID, @Nullable ScheduleSlot> scheduleSlots,
			Clock clock) {
		this.registry = registry;
		this.support = new RunningTask.Support(parents, scheduleSlots, new RequestResolver(registry, codec), clock);
		this.codec = codec;
		this.completer = completer;
		this.failurePolicy = failurePolicy;
		this.lanes = List.copyOf(lanes);
		this.metrics = metrics;
		this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new CustomizableThreadFactory(threadNamePrefix));
		CustomizableThreadFactory timeoutThreads = new CustomizableThreadFactory(threadNamePrefix + "timeouts-");
		timeoutThreads.setDaemon(true);
		this.timeouts = Executors.newSingleThreadScheduledExecutor(timeoutThreads);
	}

	/**
	 * Set what to call when an attempt has ended, before its slot is freed: a poll that sees
	 * the free slot comes after it.
	 * @param onAttemptEnded the callback
	 */
	public void onAttemptEnded(Runnable onAttemptEnded) {
		this.onAttemptEnded = onAttemptEnded;
	}

	/**
	 * Set what to call when a task has finished and its lane's slot is free.
	 * @param onSlotFreed the callback, given the lane
	 */
	public void onSlotFreed(Consumer<Lane> onSlotFreed) {
		this.onSlotFreed = onSlotFreed;
	}

	/**
	 * Set what to call when a handler asks for its lease to be renewed.
	 * @param onHeartbeat the callback, given the task
	 */
	public void onHeartbeat(Consumer<RunningTask> onHeartbeat) {
		this.onHeartbeat = onHeartbeat;
	}

	/**
	 * Return the lanes.
	 * @return the lanes
	 */
	public List<Lane> lanes() {
		return this.lanes;
	}

	/**
	 * Return how long a claim on a queue holds its tasks before their first renewal: the
	 * shortest heartbeat of the types that run on it, so that a task whose node dies right
	 * after the claim is taken back within its type's heartbeat. Tasks with longer heartbeats
	 * get them at their first renewal, a third of this lease in.
	 * @param queue the queue name
	 * @return the claim's lease
	 */
	public Duration claimLease(String queue) {
		return this.claimLeases.computeIfAbsent(queue, this.registry::shortestHeartbeat);
	}

	/**
	 * Return how many tasks run on this worker now.
	 * @return the running tasks
	 */
	public int active() {
		return this.lanes.stream().mapToInt(Lane::active).sum();
	}

	/**
	 * Return the tasks running now.
	 * @return the running tasks
	 */
	public Collection<RunningTask> running() {
		return this.running.values();
	}

	/**
	 * Start tasks claimed for a lane as its slots allow, and hold the rest in the lane, in
	 * claim order, until slots free. Held tasks keep their leases renewed like running ones.
	 * @param lane the lane
	 * @param tasks the tasks, in claim order
	 */
	public void run(Lane lane, List<ClaimedTask> tasks) {
		for (ClaimedTask task : tasks) {
			RunningTask context = new RunningTask(task, lane, this.codec, claimLease(task.queue()),
					this.failurePolicy.options(task), this.onHeartbeat, this.support);
			RunningTask earlier = this.running.put(task.id(), context);
			if (earlier != null) {
				// Claimed again while an attempt still runs or waits here: that attempt's claim was lost
				cancel(earlier);
			}
			lane.buffer(context);
		}
		startBuffered(lane);
	}

	/**
	 * Take back the claimed tasks that wait for a slot, so that they can be handed back
	 * unrun.
	 * @return their claims
	 */
	public List<ClaimedTask> dropBuffered() {
		List<ClaimedTask> dropped = new ArrayList<>();
		for (Lane lane : this.lanes) {
			for (RunningTask context : lane.drain()) {
				this.running.remove(context.taskId(), context);
				dropped.add(context.task());
			}
		}
		return dropped;
	}

	private void startBuffered(Lane lane) {
		while (lane.reserve()) {
			this.executor.execute(() -> execute(lane.takeReserved()));
		}
	}

	/**
	 * Stop a task if it runs here: its context reports it cancelled and its thread is
	 * interrupted. Its outcome, if it still has one, is discarded by the store.
	 * @param id the task id
	 */
	public void cancel(UUID id) {
		RunningTask task = this.running.get(id);
		if (task != null) {
			cancel(task);
		}
	}

	/**
	 * Stop one attempt that no longer holds its claim, leaving alone any later attempt of the
	 * same task that runs here under a new claim. One that waits for a slot is dropped
	 * unstarted.
	 * @param task the attempt
	 */
	public void cancel(RunningTask task) {
		if (task.lane().unbuffer(task)) {
			this.running.remove(task.taskId(), task);
		}
		else {
			task.cancel();
		}
	}

	/**
	 * Take no more tasks, and wait for the running ones to finish. Tasks still buffered would
	 * start meanwhile: {@link #dropBuffered() drop} them first, to hand them back at once.
	 * @param timeout how long to wait
	 * @return the claims of the tasks still running after the timeout; they have been
	 * interrupted and their outcomes will not be recorded
	 */
	public List<ClaimedTask> shutdown(Duration timeout) {
		this.executor.shutdown();
		try {
			if (this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return List.of();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.timeouts.shutdownNow();
		}
		List<ClaimedTask> unfinished = this.running.values().stream().map(RunningTask::task).toList();
		unfinished.forEach((task) -> this.abandoned.add(task.id()));
		this.executor.shutdownNow();
		return unfinished;
	}

	/**
	 * Runs a task, then, while its lane holds more, the next one in the slot it frees: the
	 * thread that is already awake takes it, which keeps claim order and saves a hand-off.
	 */
	private void execute(@Nullable RunningTask first) {
		RunningTask next = first;
		while (next != null) {
			next = attempt(next);
		}
	}

	/** Runs one attempt; returns the next task to run in its slot, if it freed the slot. */
	private @Nullable RunningTask attempt(RunningTask context) {
		Duration timeout = context.timeout();
		if (timeout != null) {
			this.timeouts.schedule(() -> timeOut(context, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		context.runsOn(Thread.currentThread());
		ClaimedTask task = context.task();
		Observation observation = this.metrics.taskExecution(task).start();
		long start = System.nanoTime();
		try {
			TaskOutcome outcome;
			try (Observation.Scope scope = observation.openScope();
					TaskMdc.Scope mdc = TaskMdc.put(task.id(), task.type(), task.attempt(), task.jobId())) {
				outcome = outcome(task, context, observation);
			}
			// Unless its timeout ended the attempt first: then it timed out, whatever the handler came to
			boolean finished = context.finish();
			String name = finished ? TaskQueueMetrics.outcome(outcome, false) : TaskQueueMetrics.TIMED_OUT;
			observation.lowCardinalityKeyValue("outcome", name);
			if (outcome instanceof TaskOutcome.Failed failed) {
				observation.highCardinalityKeyValue("error", failed.message());
			}
			if (finished) {
				long nanos = System.nanoTime() - start;
				this.metrics.attempt(task, name, nanos);
				return end(context, outcome, false, nanos);
			}
			return null;
		}
		finally {
			observation.stop();
			context.runsOn(null);
			Thread.interrupted();
		}
	}

	private void timeOut(RunningTask context, Duration timeout) {
		if (context.finish()) {
			String message = "timed out after " + DurationFormatterUtils.print(timeout, DurationFormat.Style.SIMPLE);
			try (TaskMdc.Scope mdc = TaskMdc.put(context.taskId(), context.type(), context.attempt(), context.jobId())) {
				logger.warn("Task " + context.taskId() + " (type '" + context.type() + "') " + message
						+ "; interrupting it");
			}
			context.cancel();
			this.metrics.attempt(context.task(), TaskQueueMetrics.TIMED_OUT, timeout.toNanos());
			RunningTask next = end(context, this.failurePolicy.failed(context.task(), message, message, true), true,
					timeout.toNanos());
			if (next != null) {
				// the timed-out attempt's thread may still be busy: the next task gets a thread of its own
				this.executor.execute(() -> execute(next));
			}
		}
	}

	/**
	 * Records the attempt's outcome and frees its slot, once per attempt; returns the lane's
	 * next buffered task, which takes the slot. The poller then sees what is left in the lane.
	 */
	private @Nullable RunningTask end(RunningTask context, TaskOutcome outcome, boolean timedOut, long nanos) {
		UUID id = context.taskId();
		this.running.remove(id, context);
		if (!this.abandoned.contains(id)) {
			// The last progress goes with the outcome: it may have come after the last write
			this.completer.submit(outcome, context.task(), timedOut, context.unwrittenProgress());
		}
		this.onAttemptEnded.run();
		Lane lane = context.lane();
		RunningTask next = lane.releaseAndNext(nanos);
		this.onSlotFreed.accept(lane);
		return next;
	}

	/** Runs the handler; a failure's throwable, where there is one, is the observation's error. */
	private TaskOutcome outcome(ClaimedTask task, RunningTask context, Observation observation) {
		TaskType type = this.registry.find(task.type());
		if (type == null) {
			String message = "Task type '" + task.type() + "' has no handler on this node";
			return this.failurePolicy.failed(task, message, message, true);
		}
		Object payload;
		try {
			payload = (type.payloadType() != null && task.payload() != null)
					? this.codec.read(task.payload(), type.payloadType()) : null;
		}
		catch (JacksonException ex) {
			observation.error(ex);
			// Jackson's message may quote the payload, which may hold personal data: it goes to
			// the error detail, and the message, which is logged, names the field only
			String message = PayloadCodec.bindingFailureWithoutValues(task.type(), type.payloadType(), ex);
			return this.failurePolicy.failed(task, message, Failures.detail(ex), false);
		}
		Object result;
		try {
			result = type.handler().handle(payload, context);
		}
		catch (Throwable ex) {
			// Found also as a cause: a proxy or a library may wrap what the handler threw
			TaskPostponedException postponed = Failures.find(ex, TaskPostponedException.class);
			if (postponed != null) {
				logger.debug("Task " + task.id() + " (type '" + task.type() + "') postponed by "
						+ DurationFormatterUtils.print(postponed.getDelay(), DurationFormat.Style.SIMPLE) + ": "
						+ postponed.getMessage());
				return this.failurePolicy.postponed(task, postponed.getDelay());
			}
			observation.error(ex);
			RetryAfterException retryAfter = Failures.find(ex, RetryAfterException.class);
			return this.failurePolicy.failed(task, Failures.message(ex), Failures.detail(ex), type.isRetryable(ex),
					(retryAfter != null) ? retryAfter.getDelay() : null);
		}
		try {
			return new TaskOutcome.Succeeded(task.id(), task.attempt(), task.claimToken(), task.jobId(),
					this.codec.write(result), context.jobWrites());
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			String message = "Result of task type '%s' cannot be written as JSON: %s".formatted(task.type(),
					Failures.message(ex));
			return this.failurePolicy.failed(task, message, Failures.detail(ex), false);
		}
	}

}

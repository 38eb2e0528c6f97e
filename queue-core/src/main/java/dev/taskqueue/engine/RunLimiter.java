package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.unit.DataSize;

import dev.taskqueue.claim.ClaimBudget;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.node.RunLimit;
import dev.taskqueue.node.RunLimitListener;

/**
 * Watches a node's run limits: once one is reached the node claims nothing more, and once its
 * last task has ended its {@link RunLimitListener} is told, once, on a thread of its own. The
 * task count is checked as tasks are claimed, the memory limit on the heap in use each time a
 * task ends, and the run time by a timer.
 */
final class RunLimiter {

	private static final Log logger = LogFactory.getLog(RunLimiter.class);

	private final ClaimBudget budget;

	private final @Nullable Duration maxRuntime;

	private final @Nullable DataSize memoryLimit;

	private final LongSupplier usedHeap;

	private final Worker worker;

	private final RunLimitListener listener;

	private final String workerId;

	private final AtomicReference<@Nullable RunLimit> reached = new AtomicReference<>();

	private final AtomicBoolean told = new AtomicBoolean();

	private @Nullable ScheduledFuture<?> timer;

	RunLimiter(ClaimBudget budget, @Nullable Duration maxRuntime, @Nullable DataSize memoryLimit,
			LongSupplier usedHeap, Worker worker, RunLimitListener listener, String workerId) {
		this.budget = budget;
		this.maxRuntime = maxRuntime;
		this.memoryLimit = memoryLimit;
		this.usedHeap = usedHeap;
		this.worker = worker;
		this.listener = listener;
		this.workerId = workerId;
	}

	/**
	 * Start the run time's timer, if the node has a maximum run time.
	 * @param scheduler the scheduler to time it with
	 * @param clock the scheduler's clock
	 */
	void start(TaskScheduler scheduler, Clock clock) {
		if (this.maxRuntime != null) {
			this.timer = scheduler.schedule(() -> reach(RunLimit.MAX_RUNTIME), clock.instant().plus(this.maxRuntime));
		}
	}

	/**
	 * Stop the run time's timer.
	 */
	void stop() {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
	}

	/**
	 * Check the memory limit once a task has ended, before its slot is freed; the other
	 * limits are checked by {@link #check()} once the slot is free.
	 */
	void taskEnded() {
		if (this.memoryLimit != null && this.usedHeap.getAsLong() >= this.memoryLimit.toBytes()) {
			reach(RunLimit.MEMORY_LIMIT);
		}
	}

	/**
	 * Give way to the node that took over this node's worker id.
	 */
	void workerIdTaken() {
		reach(RunLimit.WORKER_ID_TAKEN);
	}

	/**
	 * Check the task count, and whether a node that reached a limit is idle: also when no
	 * task ends, as when the last task claimed was cancelled before it started.
	 */
	void check() {
		if (this.budget.isSpent()) {
			reach(RunLimit.MAX_TASKS);
		}
		else {
			tellIfIdle();
		}
	}

	private void reach(RunLimit limit) {
		if (this.reached.compareAndSet(null, limit)) {
			this.budget.close();
			logger.info("TaskQueue worker " + this.workerId + " " + limit.describe() + ": it claims no more tasks, "
					+ "and is done once the tasks it holds have ended (" + this.worker.active() + " running)");
		}
		tellIfIdle();
	}

	private void tellIfIdle() {
		RunLimit limit = this.reached.get();
		if (limit != null && isIdle() && this.told.compareAndSet(false, true)) {
			Thread thread = new Thread(() -> this.listener.limitReached(limit), "taskqueue-run-limit");
			thread.start();
		}
	}

	private boolean isIdle() {
		return this.worker.lanes().stream().allMatch((lane) -> lane.active() == 0 && lane.buffered() == 0);
	}

}

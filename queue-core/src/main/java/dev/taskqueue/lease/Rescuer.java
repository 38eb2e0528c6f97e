package dev.taskqueue.lease;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.taskqueue.complete.FailureLog;
import dev.taskqueue.complete.FailurePolicy;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;

/**
 * Takes back running tasks whose lease lapsed, because their node died, froze or lost the
 * database: each such attempt counts as failed with "lease expired", and the task is retried
 * or failed like after any other failure. Every node rescues, so a task is taken back as long
 * as one node lives.
 * <p>
 * It also ends running jobs none of whose tasks can run any more but whose end no completion
 * saw: after a task was cancelled on its own, for example.
 *
 * @since 0.1.0
 */
public final class Rescuer {

	/** The error of an attempt whose lease lapsed. */
	public static final String LEASE_EXPIRED = "lease expired: the node running the task stopped renewing it "
			+ "(it died, froze or lost the database)";

	private static final Log logger = LogFactory.getLog(Rescuer.class);

	private static final int BATCH_SIZE = 100;

	private final TaskStore store;

	private final FailurePolicy failurePolicy;

	private final DatabaseOutage outage;

	private final Clock clock;

	private final Runnable afterRescue;

	private final TaskQueueMetrics metrics;

	/**
	 * Create a rescuer.
	 * @param store the store
	 * @param failurePolicy decides between retrying and failing
	 * @param outage where database failures are reported
	 * @param clock the clock
	 * @param afterRescue called when tasks were taken back or jobs ended, so that some tasks
	 * may be ready
	 * @param metrics counts the attempts taken back
	 */
	public Rescuer(TaskStore store, FailurePolicy failurePolicy, DatabaseOutage outage, Clock clock,
			Runnable afterRescue, TaskQueueMetrics metrics) {
		this.store = store;
		this.failurePolicy = failurePolicy;
		this.outage = outage;
		this.clock = clock;
		this.afterRescue = afterRescue;
		this.metrics = metrics;
	}

	/**
	 * Take back every running task whose lease has lapsed.
	 */
	public void rescueExpired() {
		if (this.outage.isBackingOff()) {
			return;
		}
		try {
			int rescued;
			do {
				Map<TaskOutcome.Failed, ClaimedTask> failures = new LinkedHashMap<>();
				rescued = this.store.rescue(this.clock.instant(), BATCH_SIZE, (task) -> {
					TaskOutcome.Failed failed = this.failurePolicy.failed(task, LEASE_EXPIRED, LEASE_EXPIRED, true);
					failures.put(failed, task);
					return failed;
				});
				if (rescued > 0) {
					logger.warn("Took back " + rescued + " running tasks whose lease had expired");
					// Every one was current: the rescue locked the rows it took back
					failures.forEach((failed, task) -> {
						FailureLog.recorded(task.type(), failed);
						this.metrics.finished(task.type(), task.queue(), TaskQueueMetrics.RESCUED, 1);
					});
					this.afterRescue.run();
				}
			}
			while (rescued == BATCH_SIZE);
			if (this.store.settleJobs(this.clock.instant(), BATCH_SIZE) > 0) {
				this.afterRescue.run();
			}
			this.outage.succeeded();
		}
		catch (RuntimeException ex) {
			this.outage.failed("take back tasks whose lease expired", ex);
		}
	}

}

package dev.taskqueue.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.taskqueue.TaskMdc;
import dev.taskqueue.execute.RunningTask;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.TaskStore;

/**
 * Renews the leases of the tasks running on this node, each once a third of its heartbeat has
 * passed, in one statement per heartbeat length. An attempt that no longer holds its claim
 * (cancelled on another node, taken back after its lease lapsed, or claimed anew after a
 * database crash lost its claim) is stopped here: its handler sees it cancelled and is
 * interrupted, and its outcome will be discarded.
 *
 * @since 0.1.0
 */
public final class LeaseKeeper {

	private static final Log logger = LogFactory.getLog(LeaseKeeper.class);

	private final TaskStore store;

	private final Worker worker;

	private final DatabaseOutage outage;

	private final String workerId;

	private final Clock clock;

	/**
	 * Create a lease keeper.
	 * @param store the store
	 * @param worker the worker whose running tasks it renews
	 * @param outage where database failures are reported
	 * @param workerId the node's name, on the tasks it holds
	 * @param clock the clock
	 */
	public LeaseKeeper(TaskStore store, Worker worker, DatabaseOutage outage, String workerId, Clock clock) {
		this.store = store;
		this.worker = worker;
		this.outage = outage;
		this.workerId = workerId;
		this.clock = clock;
	}

	/**
	 * Renew the leases that are due.
	 */
	public void renewDue() {
		List<RunningTask> due = this.worker.running().stream().filter(RunningTask::isRenewalDue).toList();
		if (!due.isEmpty()) {
			renew(due);
		}
	}

	/**
	 * Renew one task's lease now, as its handler asked.
	 * @param task the task
	 */
	public void renewNow(RunningTask task) {
		renew(List.of(task));
	}

	private void renew(Collection<RunningTask> tasks) {
		Map<Duration, List<RunningTask>> byHeartbeat = tasks.stream()
			.collect(Collectors.groupingBy(RunningTask::heartbeatInterval));
		try {
			byHeartbeat.forEach(this::renew);
			this.outage.succeeded();
		}
		catch (RuntimeException ex) {
			this.outage.failed("renew the leases of running tasks", ex);
		}
	}

	private void renew(Duration heartbeat, List<RunningTask> tasks) {
		long sent = System.nanoTime();
		Instant leaseUntil = this.clock.instant().plus(heartbeat);
		Set<UUID> lost = this.store.renew(tasks.stream().map(RunningTask::task).toList(), this.workerId, leaseUntil);
		for (RunningTask task : tasks) {
			if (lost.contains(task.taskId())) {
				try (TaskMdc.Scope mdc = TaskMdc.put(task.taskId(), task.type(), task.attempt(), task.jobId())) {
					logger.info("Task " + task.taskId() + " (type '" + task.type()
							+ "') is no longer held by this attempt: it was cancelled, taken back after its lease "
							+ "lapsed, or claimed anew after its claim was lost; stopping it");
				}
				this.worker.cancel(task);
			}
			else {
				task.renewed(sent);
			}
		}
	}

}

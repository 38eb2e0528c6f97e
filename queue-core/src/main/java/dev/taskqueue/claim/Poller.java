package dev.taskqueue.claim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.TaskScheduler;

import dev.taskqueue.complete.Completer;
import dev.taskqueue.execute.Lane;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.TaskStore;

/**
 * Claims ready tasks for the worker's lanes, one statement per queue and batch. It polls
 * every poll interval and whenever it is woken: by a local enqueue after commit, by another
 * node's notification, by a retry falling due, or by slots freeing while a lane's queues
 * still hold work. Wake-ups that arrive during a claim are coalesced into one more claim.
 * While the database is unreachable it claims less and less often.
 * <p>
 * A lane whose handlers are quick is claimed for ahead of its free slots: besides them, the
 * tasks it expects to start within the claim-ahead horizon, judging by its recent handler
 * durations, so that it holds at most a batch, running and waiting together. The worker
 * holds those in the lane in claim order and starts them as slots free, without a round
 * trip to the database; the poller claims again once the lane has room for half of what it
 * holds. Claiming many tasks per statement keeps the cost of each claim, such as walking
 * index entries of tasks already claimed that a long transaction elsewhere keeps from being
 * cleaned up, off each task. A lane whose handlers are slow, or have not ended yet, or with
 * as many slots as a batch, is claimed for only up to its free slots, so that no task waits
 * behind slow work on this node while another node could run it.
 * <p>
 * A node that may run only so many tasks claims no more than its {@link ClaimBudget} has
 * left, and nothing once the budget is closed.
 *
 * @since 0.1.0
 */
public final class Poller {

	private static final int IDLE = 0;

	private static final int POLLING = 1;

	private static final int POLL_AGAIN = 2;

	/** How many batches of outcomes may wait to be written before claims hold back. */
	private static final int MAX_PENDING_BATCHES = 10;

	private final TaskStore store;

	private final Worker worker;

	private final Completer completer;

	private final DatabaseOutage outage;

	private final int batchSize;

	private final Duration claimAhead;

	private final Duration pollInterval;

	private final String workerId;

	private final Clock clock;

	private final TaskScheduler scheduler;

	private final ClaimBudget budget;

	private final TaskQueueMetrics metrics;

	private final AtomicInteger state = new AtomicInteger(IDLE);

	private final Object claiming = new Object();

	private final Set<Lane> saturated = ConcurrentHashMap.newKeySet();

	/** Room set aside in each lane for enqueues of this node since the lane's last claim began. */
	private final Map<Lane, Integer> setAside = new HashMap<>();

	private volatile boolean running;

	private int nextLane;

	private final Map<Lane, Integer> nextQueue = new HashMap<>();

	private @Nullable ScheduledFuture<?> ticks;

	/**
	 * Create a poller.
	 * @param store the store
	 * @param worker the worker whose lanes it fills
	 * @param completer the completer, whose backlog holds claims back
	 * @param outage where database failures are reported, and how long to wait before claiming
	 * again
	 * @param settings how to claim
	 * @param clock the clock
	 * @param scheduler the scheduler that runs polls
	 * @param budget how many more tasks it may claim
	 * @param metrics records claims and how late claimed tasks start
	 */
	public Poller(TaskStore store, Worker worker, Completer completer, DatabaseOutage outage, PollerSettings settings,
			Clock clock, TaskScheduler scheduler, ClaimBudget budget, TaskQueueMetrics metrics) {
		this.store = store;
		this.worker = worker;
		this.completer = completer;
		this.outage = outage;
		this.batchSize = settings.batchSize();
		this.claimAhead = settings.claimAhead();
		this.pollInterval = settings.pollInterval();
		this.workerId = settings.workerId();
		this.clock = clock;
		this.scheduler = scheduler;
		this.budget = budget;
		this.metrics = metrics;
	}

	/**
	 * Start polling.
	 */
	public synchronized void start() {
		this.running = true;
		this.ticks = this.scheduler.scheduleWithFixedDelay(this::wake, this.pollInterval);
		wake();
	}

	/**
	 * Stop claiming. Returns once a claim under way has handed its tasks to the worker, so that
	 * stopping the worker next accounts for them.
	 */
	public synchronized void stop() {
		this.running = false;
		if (this.ticks != null) {
			this.ticks.cancel(false);
			this.ticks = null;
		}
		synchronized (this.claiming) {
			// nothing to do: entering waits for the claim under way
		}
	}

	/**
	 * Claim now, or once more after the claim under way.
	 */
	public void wake() {
		while (this.running) {
			int current = this.state.get();
			if (current == IDLE) {
				if (this.state.compareAndSet(IDLE, POLLING)) {
					this.scheduler.schedule(this::poll, Instant.EPOCH);
					return;
				}
			}
			else if (current == POLL_AGAIN || this.state.compareAndSet(POLLING, POLL_AGAIN)) {
				return;
			}
		}
	}

	/**
	 * Claim on the calling thread if no claim is under way, else once more after it. The
	 * thread that hears of tasks another node made ready claims them itself, instead of waking
	 * the scheduler's thread for it: on a node that waits for work, that hand-over is a good
	 * part of the pickup. It claims one round only; a full batch, or a wake-up during the
	 * round, leaves the next round to the scheduler's thread, so that the calling thread is
	 * soon back at its own work.
	 */
	public void claimHere() {
		if (!this.running || !this.state.compareAndSet(IDLE, POLLING)) {
			wake();
			return;
		}
		boolean again;
		synchronized (this.claiming) {
			again = this.running && claimOnce();
		}
		if (again || !this.state.compareAndSet(POLLING, IDLE)) {
			this.scheduler.schedule(this::poll, Instant.EPOCH);
		}
	}

	/**
	 * Insert tasks of an enqueue and claim as many on the calling thread, in one round trip:
	 * if no claim is under way and the roomiest lane serving their queue has room for them,
	 * the insert goes with a claim of as many tasks for that lane, in claim order. On a node
	 * that waits for work, the claim takes the enqueued tasks, and saves the wake-up of the
	 * scheduler's thread and a round trip of its own. Where tasks ready before them come
	 * first, some of the enqueued tasks stay ready, and the next round, on the scheduler's
	 * thread, claims them, as it does after a wake-up during this one. The caller's thread
	 * claims no more than it enqueues, however much room the lane has.
	 * @param queue the queue of the tasks
	 * @param ids the ids of the tasks, all ready at once
	 * @param insert inserts the tasks and claims, or writes nothing and returns {@code null}
	 * @return whether the tasks were inserted; if not, nothing was written
	 */
	public boolean insertClaiming(String queue, Collection<UUID> ids, InsertingClaim insert) {
		if (!this.running || this.outage.isBackingOff() || isBacklogged()
				|| !this.state.compareAndSet(IDLE, POLLING)) {
			return false;
		}
		boolean leftReady = false;
		try {
			synchronized (this.claiming) {
				Lane lane = this.running ? roomiestLane(queue) : null;
				if (lane == null) {
					return false;
				}
				synchronized (this.setAside) {
					// Room set aside for other enqueues stays theirs: this claim may not see their tasks
					if (roomLeft(lane) + ahead(lane) < ids.size()) {
						return false;
					}
				}
				int limit = this.budget.take(ids.size());
				List<ClaimedTask> claimed = null;
				Instant now = this.clock.instant();
				try {
					if (limit == ids.size()) {
						long start = System.nanoTime();
						claimed = insert.insertAndClaim(queue, limit, this.workerId, now,
								now.plus(this.worker.claimLease(queue)));
						if (claimed != null) {
							this.metrics.claimed(queue, claimed.size(), System.nanoTime() - start);
						}
					}
				}
				finally {
					this.budget.settle(limit, (claimed != null) ? claimed.size() : 0);
				}
				if (claimed == null) {
					return false;
				}
				this.metrics.startLag(claimed, now);
				this.worker.run(lane, claimed);
				leftReady = claimed.size() < ids.size() || !claimed.stream().allMatch((task) -> ids.contains(task.id()));
				return true;
			}
		}
		finally {
			if (leftReady || !this.state.compareAndSet(POLLING, IDLE)) {
				this.scheduler.schedule(this::poll, Instant.EPOCH);
			}
		}
	}

	/**
	 * Claim once the given time has come, for a task scheduled then.
	 * @param time when to claim
	 */
	public void wakeAt(Instant time) {
		if (this.running) {
			this.scheduler.schedule(this::wake, time);
		}
	}

	/**
	 * Set aside room in this node's lanes for tasks about to be enqueued, ready at once, if
	 * every queue has enough: the room of a lane that serves it, less what earlier enqueues set
	 * aside since that lane's last claim began, within the node's budget; none while the poller
	 * is stopped, backs off after database failures or holds claims back behind unwritten
	 * outcomes. An enqueue that gets its room needs only this node woken once it commits; the
	 * next claim for the lane takes its tasks, and with them the room set aside for them.
	 * @param readyPerQueue how many tasks ready at once each queue gets
	 * @return whether the room was set aside; nothing is set aside otherwise
	 */
	public boolean setAsideRoom(Map<String, Integer> readyPerQueue) {
		if (!this.running || this.outage.isBackingOff() || isBacklogged()) {
			return false;
		}
		synchronized (this.setAside) {
			Map<Lane, Integer> wanted = new HashMap<>();
			for (Map.Entry<String, Integer> ready : readyPerQueue.entrySet()) {
				Lane lane = roomiestLane(ready.getKey());
				if (lane == null) {
					return false;
				}
				wanted.merge(lane, ready.getValue(), Integer::sum);
			}
			long total = 0;
			for (Map.Entry<Lane, Integer> lane : wanted.entrySet()) {
				if (roomLeft(lane.getKey()) < lane.getValue()) {
					return false;
				}
				total += lane.getValue();
			}
			if (this.budget.left() - this.setAside.values().stream().mapToLong(Integer::longValue).sum() < total) {
				return false;
			}
			wanted.forEach((lane, tasks) -> this.setAside.merge(lane, tasks, Integer::sum));
			return true;
		}
	}

	/** The lane serving the queue with the most room not set aside, or none if no lane serves it. */
	private @Nullable Lane roomiestLane(String queue) {
		Lane roomiest = null;
		for (Lane lane : this.worker.lanes()) {
			if (lane.queues().contains(queue) && (roomiest == null || roomLeft(lane) > roomLeft(roomiest))) {
				roomiest = lane;
			}
		}
		return roomiest;
	}

	private int roomLeft(Lane lane) {
		return lane.freeSlots() - lane.buffered() - this.setAside.getOrDefault(lane, 0);
	}

	/**
	 * Tell the poller a slot of a lane is free: it claims again if the lane's queues still
	 * held work at its last claim and the lane has room for enough tasks to make a batch
	 * worth a transaction.
	 * @param lane the lane
	 */
	public void slotFreed(Lane lane) {
		if (this.saturated.contains(lane)) {
			int ahead = ahead(lane);
			if (room(lane, ahead) >= refillThreshold(lane, ahead)) {
				wake();
			}
		}
	}

	/** Tell the poller the completion backlog shrank, which may let claims go on. */
	public void backlogShrank() {
		if (!this.saturated.isEmpty()) {
			wake();
		}
	}

	/**
	 * How many tasks to hold for the lane beyond its slots: what it starts within the
	 * horizon, and no more than fill a batch with its slots, so that a lane with as many slots
	 * as a batch, or more, claims none ahead.
	 */
	private int ahead(Lane lane) {
		return lane.expectedStarts(this.claimAhead, Math.max(0, this.batchSize - lane.concurrency()));
	}

	/** How many tasks a claim may take for the lane: its free slots and what it starts soon. */
	private static int room(Lane lane, int ahead) {
		return lane.freeSlots() + ahead - lane.buffered();
	}

	private int refillThreshold(Lane lane, int ahead) {
		return Math.max(1, Math.min(lane.concurrency() + ahead, this.batchSize) / 2);
	}

	private void poll() {
		do {
			this.state.set(POLLING);
			synchronized (this.claiming) {
				while (this.running && claimOnce()) {
					// a full batch: there is more waiting, claim again at once
				}
			}
		}
		while (!this.state.compareAndSet(POLLING, IDLE));
	}

	/**
	 * Claim for every lane's room, starting with a different lane, and within a
	 * lane a different queue, each time.
	 * @return whether some lane got a full batch and still has room
	 */
	private boolean claimOnce() {
		if (this.outage.isBackingOff()) {
			return false;
		}
		boolean backlogged = isBacklogged();
		List<Lane> lanes = this.worker.lanes();
		boolean again = false;
		try {
			int firstLane = this.nextLane++;
			for (int l = 0; l < lanes.size(); l++) {
				Lane lane = lanes.get(Math.floorMod(firstLane + l, lanes.size()));
				again |= !backlogged && claimFor(lane);
				if (backlogged) {
					this.saturated.add(lane);
				}
			}
			this.outage.succeeded();
		}
		catch (RuntimeException ex) {
			this.outage.failed("claim tasks", ex);
			return false;
		}
		return again;
	}

	/** Whether so many outcomes wait to be written that claims hold back. */
	private boolean isBacklogged() {
		return this.completer.pending() > this.batchSize * MAX_PENDING_BATCHES;
	}

	/** Claims for one lane; returns whether a full batch came back and it still has room. */
	private boolean claimFor(Lane lane) {
		synchronized (this.setAside) {
			// The tasks it was set aside for committed before this claim reads, or wake the poller again when they do
			this.setAside.remove(lane);
		}
		int room = room(lane, ahead(lane));
		boolean full = false;
		List<String> queues = lane.queues();
		int firstQueue = this.nextQueue.merge(lane, 1, Integer::sum);
		for (int i = 0; i < queues.size() && room > 0; i++) {
			String queue = queues.get(Math.floorMod(firstQueue + i, queues.size()));
			int wanted = Math.min(room, this.batchSize);
			int limit = this.budget.take(wanted);
			if (limit == 0) {
				return false;
			}
			List<ClaimedTask> claimed = List.of();
			Instant now = this.clock.instant();
			try {
				long start = System.nanoTime();
				claimed = this.store.claim(queue, limit, this.workerId, now, now.plus(this.worker.claimLease(queue)));
				this.metrics.claimed(queue, claimed.size(), System.nanoTime() - start);
			}
			finally {
				this.budget.settle(limit, claimed.size());
			}
			this.metrics.startLag(claimed, now);
			this.worker.run(lane, claimed);
			room -= claimed.size();
			full |= claimed.size() == limit;
		}
		if (full || room <= 0) {
			this.saturated.add(lane);
		}
		else {
			this.saturated.remove(lane);
		}
		return full && room > 0;
	}

	/**
	 * An insert that claims in the same round trip.
	 */
	@FunctionalInterface
	public interface InsertingClaim {

		/**
		 * Insert, and claim ready tasks of the queue as {@link TaskStore#claim} does.
		 * @param queue the queue
		 * @param limit how many tasks to claim at most
		 * @param worker the claiming node
		 * @param now the current time
		 * @param leaseUntil when the claim lapses unless renewed
		 * @return the claimed tasks, or {@code null} if nothing was written
		 */
		@Nullable List<ClaimedTask> insertAndClaim(String queue, int limit, String worker, Instant now,
				Instant leaseUntil);

	}

}

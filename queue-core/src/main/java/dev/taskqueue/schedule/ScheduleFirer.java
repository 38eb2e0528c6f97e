package dev.taskqueue.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskStatus;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.store.jdbc.JdbcScheduleStore;
import dev.taskqueue.store.jdbc.JdbcScheduleStore.Firing;

/**
 * Fires due schedule slots, on every node, without a leader. Each poll locks a batch of due
 * schedules with one query, skipping those another node has locked; for each it works out
 * which slots to fire (its misfire and overlap policies), and fires them all in the same short
 * transaction, which moves the schedules on. The slot's row keeps a slot from ever becoming
 * two tasks.
 * <p>
 * A slot is on time while it is at most two poll intervals and ten seconds late when a poll
 * finds it, which a busy cluster stays well within; older due slots were missed while no node
 * ran, and go to the misfire policy.
 */
final class ScheduleFirer implements Runnable {

	private static final Log logger = LogFactory.getLog(ScheduleFirer.class);

	/** The most due schedules one transaction fires; a full batch is followed by another at once. */
	static final int BATCH_SIZE = 500;

	/** The most slots a schedule is caught up with in one go, however long it was missed. */
	private static final int MAX_SLOTS = 100_000;

	/** How late, beyond two poll intervals, a slot may be found and still be on time. */
	private static final Duration ON_TIME_MARGIN = Duration.ofSeconds(10);

	/** How far back missed slots are looked for, beyond a misfire window. */
	private static final Duration LOOKBACK = Duration.ofDays(1);

	private static final Set<TaskStatus> UNFINISHED = EnumSet.of(TaskStatus.WAITING, TaskStatus.READY,
			TaskStatus.RUNNING);

	private final JdbcScheduleStore store;

	private final SlotTasks tasks;

	private final Clock clock;

	private final Duration onTime;

	private final TaskQueueMetrics metrics;

	private final Runnable wakeup;

	/** Schedules that failed to fire, so that a lasting failure is logged once. */
	private final Set<String> failing = ConcurrentHashMap.newKeySet();

	ScheduleFirer(JdbcScheduleStore store, SlotTasks tasks, Clock clock, Duration pollInterval,
			TaskQueueMetrics metrics, Runnable wakeup) {
		this.store = store;
		this.tasks = tasks;
		this.clock = clock;
		this.onTime = pollInterval.multipliedBy(2).plus(ON_TIME_MARGIN);
		this.metrics = metrics;
		this.wakeup = wakeup;
	}

	@Override
	public void run() {
		try {
			int fired;
			do {
				List<Runnable> reports = new ArrayList<>();
				Instant now = this.clock.instant();
				fired = this.store.fireDue(now, BATCH_SIZE, (schedule) -> firing(schedule, now, reports));
				// Only once the firing committed
				reports.forEach(Runnable::run);
				if (fired > 0) {
					this.wakeup.run();
				}
			}
			// A batch with schedules that cannot fire ends the poll, so that they are not locked again at once
			while (fired == BATCH_SIZE && !Thread.currentThread().isInterrupted());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not fire the due schedules; trying again next poll: " + ex.getMessage(),
					logger.isDebugEnabled() ? ex : null);
		}
	}

	/**
	 * How a due schedule fires, adding what to log and count once it committed; {@code null}
	 * if it cannot fire now.
	 */
	private @Nullable Firing firing(StoredSchedule schedule, Instant now, List<Runnable> reports) {
		try {
			Firing firing = firing(schedule, plan(schedule, now), now, reports);
			if (this.failing.remove(schedule.name())) {
				reports.add(() -> logger.info("Schedule '" + schedule.name() + "' fires again"));
			}
			return firing;
		}
		catch (RuntimeException ex) {
			if (this.failing.add(schedule.name())) {
				logger.warn("Could not fire schedule '" + schedule.name() + "'; trying again every poll: "
						+ ex.getMessage(), ex);
			}
			return null;
		}
	}

	/** Which due slots fire and which the misfire policy skips. */
	private Plan plan(StoredSchedule schedule, Instant now) {
		Cadence cadence = Cadence.of(schedule);
		Instant first = schedule.nextSlot();
		MisfirePolicy misfire = schedule.misfire();
		Duration lookback = (misfire.window().compareTo(LOOKBACK) > 0) ? misfire.window() : LOOKBACK;
		Instant start = first.isBefore(now.minus(lookback)) ? now.minus(lookback) : first;
		List<Instant> due = cadence.between(start, now, MAX_SLOTS);
		if (due.size() == MAX_SLOTS) {
			// Too many to look at: look at about as many of the latest ones instead
			start = now.minus(Duration.between(due.get(0), due.get(due.size() - 1)));
			due = cadence.between(start, now, MAX_SLOTS);
		}
		Instant next = (due.isEmpty() || due.size() == MAX_SLOTS) ? cadence.next(now)
				: cadence.next(due.get(due.size() - 1));
		List<Instant> missed = new ArrayList<>();
		List<Instant> onTime = new ArrayList<>();
		for (Instant slot : due) {
			(Duration.between(slot, now).compareTo(this.onTime) > 0 ? missed : onTime).add(slot);
		}
		List<Instant> late = switch (misfire.mode()) {
			case SKIP -> List.of();
			case RUN_LATEST -> (onTime.isEmpty() && !missed.isEmpty()) ? List.of(missed.get(missed.size() - 1))
					: List.of();
			case RUN_ALL -> latest(missed.stream()
				.filter((slot) -> Duration.between(slot, now).compareTo(misfire.window()) <= 0)
				.toList(), misfire.cap());
		};
		List<Instant> skipped = new ArrayList<>(missed);
		skipped.removeAll(late);
		boolean unknownSkipped = !start.equals(first) || due.size() == MAX_SLOTS;
		return new Plan(first, late, onTime, skipped, unknownSkipped, next);
	}

	private static List<Instant> latest(List<Instant> slots, int cap) {
		return slots.subList(Math.max(0, slots.size() - cap), slots.size());
	}

	/** The firing of the planned slots, applying the overlap policy. */
	private Firing firing(StoredSchedule schedule, Plan plan, Instant now, List<Runnable> reports) {
		List<Instant> slots = new ArrayList<>(plan.late());
		slots.addAll(plan.onTime());
		List<NewTask> newTasks = new ArrayList<>();
		List<String> overlapSkips = new ArrayList<>();
		OverlapPolicy overlap = schedule.overlap();
		@Nullable UUID previous = null;
		@Nullable TaskStatus previousStatus = null;
		if (overlap != OverlapPolicy.ALLOW && !slots.isEmpty()) {
			// The schedule's row is locked: no slot of it fires meanwhile
			List<ScheduleRun> runs = this.store.runs(schedule.name(), 1);
			if (!runs.isEmpty()) {
				previous = runs.get(0).taskId();
				previousStatus = runs.get(0).status();
			}
		}
		Instant lastSlot = schedule.lastSlot();
		for (Instant slot : slots) {
			boolean unfinished = previousStatus != null && UNFINISHED.contains(previousStatus);
			if (overlap == OverlapPolicy.ALLOW || !unfinished) {
				NewTask task = this.tasks.task(schedule, slot, null, now);
				newTasks.add(task);
				previous = task.id();
				previousStatus = TaskStatus.READY;
			}
			else if (overlap == OverlapPolicy.QUEUE_ONE && previousStatus != TaskStatus.WAITING) {
				NewTask task = this.tasks.task(schedule, slot, previous, now);
				newTasks.add(task);
				previous = task.id();
				previousStatus = TaskStatus.WAITING;
			}
			else {
				overlapSkips.add("slot " + slot + ": the task " + previous + " of an earlier slot is " + previousStatus);
				continue;
			}
			lastSlot = slot;
		}
		reports.add(() -> report(schedule, plan, overlapSkips));
		return new Firing(lastSlot, plan.next(), newTasks);
	}

	private void report(StoredSchedule schedule, Plan plan, List<String> overlapSkips) {
		String name = schedule.name();
		String misfire = "misfire policy " + schedule.misfire().mode();
		if (!plan.skipped().isEmpty() || plan.unknownSkipped()) {
			String earlier = plan.unknownSkipped() ? " and every earlier slot since " + plan.first() : "";
			String range = plan.skipped().isEmpty() ? "" : " from " + plan.skipped().get(0) + " to "
					+ plan.skipped().get(plan.skipped().size() - 1);
			logger.warn("Schedule '" + name + "' skipped " + plan.skipped().size() + " slot(s) missed while no node ran"
					+ range + earlier + " (" + misfire + ")");
			this.metrics.scheduleSlots("skipped", "misfire", plan.skipped().size());
		}
		if (!plan.late().isEmpty()) {
			logger.warn("Schedule '" + name + "' fired " + plan.late().size() + " slot(s) missed while no node ran, from "
					+ plan.late().get(0) + " to " + plan.late().get(plan.late().size() - 1) + ", late (" + misfire + ")");
			this.metrics.scheduleSlots("late", "misfire", plan.late().size());
		}
		for (String skip : overlapSkips) {
			logger.warn("Schedule '" + name + "' skipped " + skip + " (overlap policy " + schedule.overlap() + ")");
		}
		this.metrics.scheduleSlots("skipped", "overlap", overlapSkips.size());
	}

	/**
	 * The slots of one firing.
	 * @param first the schedule's next slot as read
	 * @param late missed slots the misfire policy fires
	 * @param onTime slots due on time
	 * @param skipped missed slots the misfire policy skips
	 * @param unknownSkipped whether slots before those looked at were skipped too
	 * @param next the schedule's next slot after this firing
	 */
	private record Plan(Instant first, List<Instant> late, List<Instant> onTime, List<Instant> skipped,
			boolean unknownSkipped, @Nullable Instant next) {
	}

}

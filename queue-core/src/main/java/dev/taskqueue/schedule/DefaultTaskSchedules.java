package dev.taskqueue.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.store.jdbc.JdbcScheduleStore;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The {@link TaskSchedules} of an engine: checks every definition (task type, payload, rate)
 * before anything is written, keeps declared schedules in step with their declarations, and
 * makes the firing that each worker node runs.
 * <p>
 * Internal, not for application use: applications reach it as {@link TaskSchedules}.
 *
 * @since 0.1.0
 */
public final class DefaultTaskSchedules implements TaskSchedules {

	private static final Log logger = LogFactory.getLog(DefaultTaskSchedules.class);

	/** How many next slots a {@link Schedule} shows. */
	private static final int NEXT_SLOTS = 5;

	/** The most slots one backfill fires. */
	static final int MAX_BACKFILL = 10_000;

	/** How often a change that lost a race with another node's is tried again. */
	private static final int MAX_ATTEMPTS = 5;

	private final JdbcScheduleStore store;

	private final SlotTasks tasks;

	private final ScheduleDefinitions definitions;

	private final DeclarationSync declared;

	private final Clock clock;

	private final TaskQueueMetrics metrics;

	private final Runnable wakeup;

	/**
	 * Create the schedules of an engine.
	 * @param store the schedule store
	 * @param registry the task types
	 * @param codec reads and writes payloads
	 * @param clock the database's clock
	 * @param metrics counts late and skipped slots
	 * @param wakeup wakes this node's poller once tasks are fired
	 */
	public DefaultTaskSchedules(JdbcScheduleStore store, TaskTypeRegistry registry, PayloadCodec codec, Clock clock,
			TaskQueueMetrics metrics, Runnable wakeup) {
		this.store = store;
		RequestResolver resolver = new RequestResolver(registry, codec);
		this.tasks = new SlotTasks(resolver, codec);
		this.definitions = new ScheduleDefinitions(registry, resolver, this.tasks);
		this.declared = new DeclarationSync(store, this.definitions, clock);
		this.clock = clock;
		this.metrics = metrics;
		this.wakeup = wakeup;
	}

	/**
	 * Return what fires due slots, to run every poll interval on a worker node.
	 * @param pollInterval the poll interval
	 * @return the firing
	 */
	public Runnable firing(Duration pollInterval) {
		return new ScheduleFirer(this.store, this.tasks, this.clock, pollInterval, this.metrics, this.wakeup);
	}

	@Override
	public List<Schedule> list() {
		Map<String, ScheduleRun> lastRuns = this.store.latestRuns();
		return this.store.list().stream().map((stored) -> schedule(stored, lastRuns.get(stored.name()))).toList();
	}

	@Override
	public Optional<Schedule> find(String name) {
		return this.store.find(name).map((stored) -> {
			List<ScheduleRun> runs = this.store.runs(name, 1);
			return schedule(stored, runs.isEmpty() ? null : runs.get(0));
		});
	}

	@Override
	public Schedule create(ScheduleRequest request) {
		Instant now = this.clock.instant();
		StoredSchedule stored = this.definitions.stored(request, false, now, now);
		if (!this.store.create(stored, now)) {
			throw new IllegalArgumentException("Schedule '" + request.name() + "' exists already");
		}
		return require(request.name());
	}

	@Override
	public Schedule update(ScheduleRequest request) {
		for (int attempt = 1;; attempt++) {
			StoredSchedule current = this.store.find(request.name())
				.orElseThrow(() -> new ScheduleNotFoundException(request.name()));
			Instant now = this.clock.instant();
			StoredSchedule changed = this.definitions.stored(request, current.declared(), current.createdAt(), now);
			if (this.store.update(changed, current.version(), now)) {
				return require(request.name());
			}
			checkAttempts(attempt, request.name(), "update");
		}
	}

	@Override
	public void pause(String name) {
		setPaused(name, true);
	}

	@Override
	public void resume(String name) {
		setPaused(name, false);
	}

	private void setPaused(String name, boolean paused) {
		for (int attempt = 1;; attempt++) {
			StoredSchedule current = this.store.find(name).orElseThrow(() -> new ScheduleNotFoundException(name));
			if (current.paused() == paused) {
				return;
			}
			Instant now = this.clock.instant();
			// Resumed, it fires from its next slot to come: those due while paused are not missed
			Instant next = paused ? current.nextSlot() : Cadence.of(current).next(now);
			if (this.store.setPaused(name, current.version(), paused, next, now)) {
				logger.info("Schedule '" + name + "' " + (paused ? "paused" : "resumed"));
				return;
			}
			checkAttempts(attempt, name, paused ? "pause" : "resume");
		}
	}

	@Override
	public TaskRef trigger(String name) {
		Instant now = this.clock.instant();
		Instant slot = now.truncatedTo(ChronoUnit.MILLIS);
		List<NewTask> fired = fireOutOfCadence(name, slot, slot.plusMillis(1), List.of(slot), now);
		if (fired.isEmpty()) {
			throw new TaskQueueException("Schedule '" + name + "' was triggered twice at " + slot + "; try again");
		}
		return new TaskRef(fired.get(0).id(), fired.get(0).type());
	}

	@Override
	public List<TaskRef> backfill(String name, Instant from, Instant to) {
		Assert.isTrue(!to.isBefore(from), () -> "Backfill of schedule '" + name + "': 'to' must not be before 'from'");
		StoredSchedule schedule = this.store.find(name).orElseThrow(() -> new ScheduleNotFoundException(name));
		List<Instant> slots = new ArrayList<>(Cadence.of(schedule).between(from, to, MAX_BACKFILL + 1));
		slots.removeIf((slot) -> !slot.isBefore(to));
		Assert.isTrue(slots.size() <= MAX_BACKFILL, () -> "Backfill of schedule '" + name + "' from " + from + " to "
				+ to + " spans more than " + MAX_BACKFILL + " slots; backfill shorter ranges");
		return fireOutOfCadence(name, from, to, slots, this.clock.instant()).stream()
			.map((task) -> new TaskRef(task.id(), task.type()))
			.toList();
	}

	/** Fires the given slots of a schedule that have not been fired, in one transaction. */
	private List<NewTask> fireOutOfCadence(String name, Instant from, Instant to, List<Instant> slots, Instant now) {
		List<NewTask> fired = this.store.fireOutOfCadence(name, from, to, (done) -> {
			StoredSchedule schedule = this.store.find(name).orElseThrow(() -> new ScheduleNotFoundException(name));
			return slots.stream()
				.filter(Predicate.not(done::contains))
				.map((slot) -> this.tasks.task(schedule, slot, null, now))
				.toList();
		}, now);
		if (fired == null) {
			throw new ScheduleNotFoundException(name);
		}
		if (!fired.isEmpty()) {
			this.wakeup.run();
		}
		return fired;
	}

	@Override
	public List<ScheduleRun> history(String name, int limit) {
		Assert.isTrue(limit > 0, "'limit' must be positive");
		if (this.store.find(name).isEmpty()) {
			throw new ScheduleNotFoundException(name);
		}
		return this.store.runs(name, limit);
	}

	@Override
	public boolean delete(String name) {
		return this.store.delete(name);
	}

	/**
	 * Bring the declared schedules in step with their declarations, in one transaction:
	 * create the new ones, update the changed ones (their pause too), and delete those no
	 * longer declared. Every declaration is checked before anything is written; schedules
	 * created through the API are never touched.
	 * @param declarations the declared schedules
	 * @throws IllegalArgumentException if a declaration is invalid, a name is declared twice, or
	 * a schedule created through the API has a declared schedule's name
	 */
	public void declare(Collection<ScheduleRequest> declarations) {
		this.declared.declare(declarations);
	}

	private Schedule schedule(StoredSchedule s, @Nullable ScheduleRun lastRun) {
		List<Instant> next = new ArrayList<>();
		if (!s.paused() && s.nextSlot() != null) {
			Cadence cadence = Cadence.of(s);
			for (Instant slot = s.nextSlot(); slot != null && next.size() < NEXT_SLOTS; slot = cadence.next(slot)) {
				next.add(slot);
			}
		}
		return new Schedule(this.definitions.definition(s), s.declared(), s.lastSlot(), lastRun,
				List.copyOf(next), s.version());
	}

	private Schedule require(String name) {
		return find(name).orElseThrow(() -> new ScheduleNotFoundException(name));
	}

	private static void checkAttempts(int attempt, String name, String change) {
		if (attempt >= MAX_ATTEMPTS) {
			throw new TaskQueueException("Could not " + change + " schedule '" + name + "': other nodes changed it "
					+ attempt + " times meanwhile; try again");
		}
	}

}

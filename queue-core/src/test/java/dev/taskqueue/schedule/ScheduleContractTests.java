package dev.taskqueue.schedule;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.PreparingHook;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Schedules on every supported database: several nodes fire each slot exactly once without a
 * leader, missed slots follow the misfire policy, backfills add only missing slots, changes
 * made on one node reach the others within a poll, and bad input writes nothing. Each
 * database's subclass supplies a DataSource.
 */
abstract class ScheduleContractTests {

	private static final Duration SECOND = Duration.ofSeconds(1);

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private TestNodes nodes;

	private JdbcTemplate jdbc;

	/** The slot each run of a tick task was fired for, as its handler saw it. */
	private final Queue<ScheduleSlot> ticks = new ConcurrentLinkedQueue<>();

	private final Queue<String> payloads = new ConcurrentLinkedQueue<>();

	private final CountDownLatch release = new CountDownLatch(1);

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.jdbc = new JdbcTemplate(this.nodes.dataSource());
		this.nodes.register("tick", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.ticks.add(context.scheduleSlot());
			this.payloads.add(String.valueOf(payload));
			return null;
		});
		this.nodes.register("slow", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.release.await();
			return null;
		});
		this.nodes.register("count", Integer.class, TaskTypeSettings.NONE, (payload, context) -> null);
	}

	@AfterEach
	void dropNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void threeNodesFireEachSlotOfASecondlyScheduleOnceWhileANodeStopsAndAnotherStarts() {
		TaskQueueEngine first = start();
		start();
		start();
		first.schedules().create(ScheduleRequest.cron("tick", "tick", "* * * * * *").payload("p").build());
		await().atMost(WAIT).until(() -> this.ticks.size() >= 4);
		first.stop();
		start();
		await().atMost(WAIT).until(() -> this.ticks.size() >= 12);
		first.start();
		first.schedules().pause("tick");
		int fired = slotRows("tick");
		await().atMost(WAIT).until(() -> this.ticks.size() == fired);

		List<Instant> slots = this.ticks.stream().map(ScheduleSlot::slot).sorted().toList();
		assertThat(new HashSet<>(slots)).hasSameSizeAs(slots);
		for (int i = 1; i < slots.size(); i++) {
			assertThat(Duration.between(slots.get(i - 1), slots.get(i))).as("slot after %s", slots.get(i - 1))
				.isEqualTo(SECOND);
		}
		assertThat(this.ticks).allSatisfy((slot) -> assertThat(slot.schedule()).isEqualTo("tick"));
		assertThat(this.nodes.count(null)).isEqualTo(fired);
		assertThat(new HashSet<>(this.payloads)).containsExactly("p");
	}

	@Test
	void aTaskKnowsItsSlotAndTheScheduleItsLastRunAndNextSlots() {
		TaskQueueEngine node = start();
		node.schedules().create(ScheduleRequest.fixedRate("tick", "tick", SECOND).build());
		await().atMost(WAIT).until(() -> !this.ticks.isEmpty());

		Schedule schedule = node.schedules().find("tick").orElseThrow();
		ScheduleRun lastRun = schedule.lastRun();
		assertThat(lastRun).isNotNull();
		TaskState task = node.queue().find(lastRun.taskId()).orElseThrow();
		assertThat(task.scheduleSlot()).isEqualTo(new ScheduleSlot("tick", lastRun.slot()));
		assertThat(schedule.nextSlots()).hasSize(5);
		assertThat(Duration.between(schedule.nextSlots().get(0), schedule.nextSlots().get(4)))
			.isEqualTo(SECOND.multipliedBy(4));
		assertThat(node.schedules().history("tick", 100)).extracting(ScheduleRun::slot)
			.isSortedAccordingTo((a, b) -> b.compareTo(a));
	}

	@Test
	void slotsMissedWhileNoNodeRanAreSkippedUnderSkip() {
		try (LogCapture log = LogCapture.of(ScheduleFirer.class)) {
			missTenMinutes(MisfirePolicy.skip());
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			TaskQueueEngine node = this.nodes.start((builder) -> builder.meterRegistry(meters));
			await().atMost(WAIT).until(() -> !log.messages(Level.WARN).isEmpty());

			assertThat(slotRows("every-minute")).isZero();
			assertThat(meters.get(TaskQueueMetrics.SCHEDULE_SLOTS).tags("outcome", "skipped", "reason", "misfire")
				.counter()
				.count()).isEqualTo(10);
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("Schedule 'every-minute' skipped 10 slot(s)")
				.contains("misfire policy SKIP");
			assertThat(node.schedules().find("every-minute").orElseThrow().nextSlots().get(0)).isAfter(dbNow());
		}
	}

	@Test
	void theLatestSlotMissedWhileNoNodeRanFiresOnceUnderRunLatest() {
		Instant anchor = missTenMinutes(MisfirePolicy.runLatest());
		start();
		await().atMost(WAIT).until(() -> this.ticks.size() == 1);

		assertThat(this.ticks).extracting(ScheduleSlot::slot).containsExactly(anchor.plus(MINUTE.multipliedBy(10)));
		assertThat(slotRows("every-minute")).isOne();
	}

	@Test
	void slotsMissedWhileNoNodeRanFireUpToTheCapWithinTheWindowUnderRunAll() {
		Instant anchor = missTenMinutes(MisfirePolicy.runAll(3, Duration.ofMinutes(5)));
		start();
		await().atMost(WAIT).until(() -> this.ticks.size() == 3);

		assertThat(this.ticks).extracting(ScheduleSlot::slot)
			.containsExactlyInAnyOrder(anchor.plus(MINUTE.multipliedBy(8)), anchor.plus(MINUTE.multipliedBy(9)),
					anchor.plus(MINUTE.multipliedBy(10)));
		assertThat(slotRows("every-minute")).isEqualTo(3);
	}

	@Test
	void slotsMissedWhileNoNodeRanFireAllWithinTheWindowUnderRunAllWithAHighCap() {
		Instant anchor = missTenMinutes(MisfirePolicy.runAll(100, Duration.ofMinutes(5)));
		start();
		await().atMost(WAIT).until(() -> this.ticks.size() == 5);

		assertThat(this.ticks).extracting(ScheduleSlot::slot)
			.containsExactlyInAnyOrder(anchor.plus(MINUTE.multipliedBy(6)), anchor.plus(MINUTE.multipliedBy(7)),
					anchor.plus(MINUTE.multipliedBy(8)), anchor.plus(MINUTE.multipliedBy(9)),
					anchor.plus(MINUTE.multipliedBy(10)));
	}

	@Test
	void aBackfillOverARangeThatPartlyRanAddsOnlyTheMissingSlots() {
		TaskSchedules schedules = enqueueOnly().schedules();
		schedules.create(ScheduleRequest.cron("hourly", "tick", "0 0 * * * *").paused(true).build());
		Instant from = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(schedules.backfill("hourly", from.plus(Duration.ofHours(2)), from.plus(Duration.ofHours(4))))
			.hasSize(2);

		List<TaskRef> added = schedules.backfill("hourly", from, from.plus(Duration.ofHours(6)));

		assertThat(added).hasSize(4);
		assertThat(schedules.history("hourly", 100)).extracting(ScheduleRun::slot)
			.containsExactly(from.plus(Duration.ofHours(5)), from.plus(Duration.ofHours(4)),
					from.plus(Duration.ofHours(3)), from.plus(Duration.ofHours(2)), from.plus(Duration.ofHours(1)), from);
		assertThat(this.nodes.count(null)).isEqualTo(6);
		assertThat(schedules.backfill("hourly", from, from.plus(Duration.ofHours(6)))).isEmpty();
	}

	@Test
	void aTriggerFiresOneTaskNowOutsideTheCadence() {
		TaskQueueEngine node = start();
		node.schedules().create(ScheduleRequest.cron("yearly", "tick", "@yearly").payload("now").build());

		TaskRef ref = node.schedules().trigger("yearly");

		TaskState task = awaitStatus(node.queue(), ref.id(), TaskStatus.SUCCEEDED);
		assertThat(task.scheduleSlot().schedule()).isEqualTo("yearly");
		assertThat(this.payloads).containsExactly("now");
	}

	@Test
	void slotsBackfilledAheadOfTheCadenceAreNotFiredAgainAndTheCadenceGoesOn() {
		TaskSchedules schedules = enqueueOnly().schedules();
		schedules.create(ScheduleRequest.cron("tick", "tick", "* * * * * *").payload("p").build());
		Instant next = schedules.find("tick").orElseThrow().nextSlots().get(0);
		// The next three slots of the cadence are fired before it comes to them
		assertThat(schedules.backfill("tick", next, next.plus(SECOND.multipliedBy(3)))).hasSize(3);
		start();

		await().atMost(WAIT).until(() -> this.ticks.stream().anyMatch((tick) -> tick.slot().isAfter(next.plusSeconds(5))));
		List<Instant> slots = this.ticks.stream().map(ScheduleSlot::slot).toList();
		assertThat(new HashSet<>(slots)).hasSameSizeAs(slots);
		assertThat(slots).contains(next, next.plusSeconds(1), next.plusSeconds(2), next.plusSeconds(3));
		// The first slot after the backfilled range fires in time, not once its batch stopped failing
		ScheduleRun after = schedules.history("tick", 100)
			.stream()
			.filter((run) -> run.slot().equals(next.plusSeconds(3)))
			.findFirst()
			.orElseThrow();
		assertThat(Duration.between(after.slot(), after.firedAt())).isLessThan(SECOND.multipliedBy(5));
	}

	@Test
	void listingGivesEachScheduleItsOwnLatestRun() {
		TaskSchedules schedules = enqueueOnly().schedules();
		schedules.create(ScheduleRequest.cron("yearly", "tick", "@yearly").payload("a").build());
		schedules.create(ScheduleRequest.cron("monthly", "tick", "@monthly").payload("b").build());
		schedules.create(ScheduleRequest.cron("never-fired", "tick", "@yearly").payload("c").build());
		schedules.trigger("yearly");
		// A trigger's slot is the database's time to the millisecond: the next one needs another
		Instant firstTrigger = dbNow().truncatedTo(ChronoUnit.MILLIS);
		await().atMost(WAIT).until(() -> dbNow().truncatedTo(ChronoUnit.MILLIS).isAfter(firstTrigger));
		TaskRef latestYearly = schedules.trigger("yearly");
		TaskRef monthly = schedules.trigger("monthly");

		assertThat(schedules.list()).extracting(Schedule::name, (schedule) -> (schedule.lastRun() != null)
				? schedule.lastRun().taskId() : null)
			.containsExactly(tuple("monthly", monthly.id()), tuple("never-fired", null),
					tuple("yearly", latestYearly.id()));
		assertThat(schedules.find("yearly").orElseThrow().lastRun().taskId()).isEqualTo(latestYearly.id());
	}

	@Test
	void aChangePauseAndResumeOnOneNodeIsFollowedByAnotherWithinAPoll() {
		TaskSchedules one = enqueueOnly().schedules();
		start();
		one.create(ScheduleRequest.fixedRate("tick", "tick", SECOND).payload("before").build());
		await().atMost(WAIT).until(() -> this.payloads.contains("before"));

		one.update(ScheduleRequest.fixedRate("tick", "tick", SECOND).payload("after").build());
		await().atMost(Duration.ofSeconds(3)).until(() -> this.payloads.contains("after"));

		one.pause("tick");
		int paused = slotRows("tick");
		await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> slotRows("tick") == paused);
		assertThat(one.find("tick").orElseThrow().paused()).isTrue();

		one.resume("tick");
		await().atMost(Duration.ofSeconds(3)).until(() -> slotRows("tick") > paused);
	}

	@Test
	void anOverlappingSlotIsSkippedUnderSkipAndLogged() {
		try (LogCapture log = LogCapture.of(ScheduleFirer.class)) {
			TaskQueueEngine node = start();
			node.schedules()
				.create(ScheduleRequest.fixedRate("slow", "slow", SECOND).overlap(OverlapPolicy.SKIP).build());
			await().atMost(WAIT).until(() -> log.messages(Level.WARN).size() >= 2);

			assertThat(slotRows("slow")).isOne();
			assertThat(log.messages(Level.WARN)).first()
				.asString()
				.contains("Schedule 'slow' skipped slot")
				.contains("is RUNNING (overlap policy SKIP)");
		}
	}

	@Test
	void anOverlappingSlotWaitsForTheUnfinishedOneUnderQueueOne() {
		TaskQueueEngine node = start();
		node.schedules()
			.create(ScheduleRequest.fixedRate("slow", "slow", SECOND).overlap(OverlapPolicy.QUEUE_ONE).build());
		await().atMost(WAIT).until(() -> slotRows("slow") == 2);
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> slotRows("slow") == 2);

		List<ScheduleRun> runs = node.schedules().history("slow", 10);
		assertThat(runs).extracting(ScheduleRun::status).containsExactly(TaskStatus.WAITING, TaskStatus.RUNNING);
		assertThat(node.queue().find(runs.get(0).taskId()).orElseThrow().parents())
			.containsExactly(runs.get(1).taskId());
		this.release.countDown();
		awaitStatus(node.queue(), runs.get(0).taskId(), TaskStatus.SUCCEEDED);
	}

	@Test
	void declaredSchedulesAreCreatedUpdatedAndDeletedAtStartAndThoseOfTheApiAreKept() {
		TaskQueueEngine api = enqueueOnly();
		api.schedules().create(ScheduleRequest.cron("api", "tick", "@daily").build());
		ScheduleRequest kept = ScheduleRequest.cron("kept", "tick", "@daily").build();
		enqueueOnly((builder) -> builder.schedules(List.of(kept, ScheduleRequest.cron("gone", "tick", "@daily").build())));

		TaskQueueEngine restarted = enqueueOnly(
				(builder) -> builder.schedules(List.of(ScheduleRequest.cron("kept", "tick", "@hourly").build())));

		assertThat(restarted.schedules().list()).extracting(Schedule::name).containsExactly("api", "kept");
		Schedule declared = restarted.schedules().find("kept").orElseThrow();
		assertThat(declared.declared()).isTrue();
		assertThat(declared.definition().cron()).isEqualTo("@hourly");
		assertThat(restarted.schedules().find("api").orElseThrow().declared()).isFalse();
	}

	@Test
	void aDeclaredScheduleThatAnotherNodeChangedWhileANodeStartsWithoutItIsLeftAsThatNodeWroteIt() {
		enqueueOnly((builder) -> builder.schedules(List.of(ScheduleRequest.cron("shared", "tick", "@daily").build())));
		AtomicBoolean changed = new AtomicBoolean();
		DataSource changedFirst = new PreparingHook(this.nodes.dataSource(), (sql) -> {
			if (sql.startsWith("DELETE FROM " + this.nodes.prefix() + "SCHEDULE WHERE")
					&& changed.compareAndSet(false, true)) {
				this.jdbc.update("UPDATE " + this.nodes.prefix() + "SCHEDULE SET version = version + 1");
			}
		});

		this.nodes.start(changedFirst, (builder) -> builder.workerEnabled(false).schedules(List.of()));

		assertThat(scheduleNames()).containsExactly("shared");
		assertThat(enqueueOnly().schedules().find("shared").orElseThrow().declared()).isTrue();
	}

	@Test
	void aDeclaredScheduleNamedAsOneOfTheApiFailsTheStartWritingNothing() {
		enqueueOnly().schedules().create(ScheduleRequest.cron("api", "tick", "@daily").build());
		List<ScheduleRequest> declared = List.of(ScheduleRequest.cron("new", "tick", "@daily").build(),
				ScheduleRequest.cron("api", "tick", "@hourly").build());

		assertThatIllegalArgumentException().isThrownBy(() -> enqueueOnly((builder) -> builder.schedules(declared)))
			.withMessageContaining("Schedule 'api' is declared");
		assertThat(scheduleNames()).containsExactly("api");
	}

	@Test
	void anInvalidDeclaredScheduleFailsTheStartNamingItAndWritesNothing() {
		List<ScheduleRequest> declared = List.of(ScheduleRequest.cron("good", "tick", "@daily").build(),
				ScheduleRequest.cron("bad", "nope", "@daily").build());

		assertThatExceptionOfType(UnknownTaskTypeException.class)
			.isThrownBy(() -> enqueueOnly((builder) -> builder.schedules(declared)))
			.withMessageContaining("'type' of schedule 'bad'");
		assertThat(scheduleNames()).isEmpty();
	}

	@Test
	void badInputFailsNamingTheScheduleAndThePropertyAndWritesNothing() {
		TaskSchedules schedules = enqueueOnly().schedules();

		assertThatExceptionOfType(UnknownTaskTypeException.class)
			.isThrownBy(() -> schedules.create(ScheduleRequest.cron("a", "nope", "@daily").build()))
			.withMessageContaining("'type' of schedule 'a'")
			.withMessageContaining("nope");
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> schedules.create(ScheduleRequest.cron("b", "count", "@daily").payload("x").build()))
			.withMessageContaining("'payload' of schedule 'b'");
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> schedules.create(ScheduleRequest.cron("c", "tick", "@daily").payload(new Object()).build()))
			.withMessageContaining("'payload' of schedule 'c'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ScheduleRequest.fixedRate("d", "tick", Duration.ofNanos(10)).build())
			.withMessageContaining("'fixed-rate' of schedule 'd'");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleRequest.cron("e", "tick", "61 * * * * *").build())
			.withMessageContaining("'cron' of schedule 'e'");
		assertThatExceptionOfType(ScheduleNotFoundException.class)
			.isThrownBy(() -> schedules.update(ScheduleRequest.cron("f", "tick", "@daily").build()));
		assertThat(scheduleNames()).isEmpty();

		schedules.create(ScheduleRequest.cron("g", "tick", "@daily").zone(ZoneId.of("Asia/Tokyo")).build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> schedules.create(ScheduleRequest.cron("g", "tick", "@hourly").build()))
			.withMessageContaining("Schedule 'g' exists already");
		assertThatExceptionOfType(UnknownTaskTypeException.class)
			.isThrownBy(() -> schedules.update(ScheduleRequest.cron("g", "nope", "@hourly").build()));
		Schedule stored = schedules.find("g").orElseThrow();
		assertThat(stored.definition().cron()).isEqualTo("@daily");
		assertThat(stored.definition().zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
		assertThat(slotRows("g")).isZero();
		assertThat(this.nodes.count(null)).isZero();
	}

	/**
	 * Create a schedule every minute, as if made 10.5 minutes ago and no node had run since:
	 * its slots, from its anchor 10.5 minutes ago, are all missed, the latest by 30 seconds.
	 * @return the anchor
	 */
	private Instant missTenMinutes(MisfirePolicy misfire) {
		enqueueOnly().schedules()
			.create(ScheduleRequest.fixedRate("every-minute", "tick", MINUTE).misfire(misfire).build());
		Instant anchor = dbNow().minus(Duration.ofSeconds(630)).truncatedTo(ChronoUnit.SECONDS);
		this.jdbc.update((connection) -> {
			PreparedStatement ps = connection.prepareStatement("UPDATE " + this.nodes.prefix()
					+ "SCHEDULE SET created_at = ?, next_slot = ? WHERE name = 'every-minute'");
			this.nodes.dialect().setInstant(ps, 1, anchor);
			this.nodes.dialect().setInstant(ps, 2, anchor.plus(MINUTE));
			return ps;
		});
		return anchor;
	}

	private Instant dbNow() {
		return this.jdbc.query(this.nodes.dialect().currentTime(), (rs) -> {
			rs.next();
			return this.nodes.dialect().getInstant(rs, "db_time");
		});
	}

	private int slotRows(String schedule) {
		Integer count = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM " + this.nodes.prefix() + "SCHEDULE_SLOT WHERE schedule_name = ?", Integer.class,
				schedule);
		return (count != null) ? count : 0;
	}

	private List<String> scheduleNames() {
		return this.jdbc.queryForList("SELECT name FROM " + this.nodes.prefix() + "SCHEDULE ORDER BY name",
				String.class);
	}

	private TaskQueueEngine start() {
		return this.nodes.start((builder) -> {
		});
	}

	private TaskQueueEngine enqueueOnly() {
		return enqueueOnly((builder) -> {
		});
	}

	private TaskQueueEngine enqueueOnly(Consumer<TaskQueueEngine.Builder> customizer) {
		return this.nodes.start((builder) -> customizer.accept(builder.workerEnabled(false)));
	}

}

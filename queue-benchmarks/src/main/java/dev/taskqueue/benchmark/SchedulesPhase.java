package dev.taskqueue.benchmark;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Phase 7: many schedules firing every minute on three nodes, without a leader. Every slot
 * must become exactly one task; reported are how late the slots fired, and the statements the
 * firing ran.
 */
final class SchedulesPhase {

	private static final int NODES = 3;

	/** How long after its last slot the phase waits for every task to fire and run. */
	private static final long SETTLE_MILLIS = 60_000;

	/** How many statements the profile shows, by total time. */
	private static final int STATEMENT_LINES = 12;

	private static final String[] SCHEDULE_TABLES = { Db.PREFIX + "SCHEDULE", Db.PREFIX + "SCHEDULE_SLOT" };

	private final Options options;

	private final DataSource dataSource;

	private final Report report;

	SchedulesPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
	}

	void run() {
		int count = this.options.schedulesCount;
		int minutes = this.options.schedulesMinutes;
		Report.Section section = this.report.section("7. Schedules on three nodes",
				String.format(Locale.ROOT, "%,d schedules, each firing a no-op task every minute (cron `0 * * * * *`), "
						+ "declared on one node and fired by %d nodes with the engine's defaults (poll interval 1 s), "
						+ "for %d minute slots. Every slot must become exactly one task: checked in the task table "
						+ "(tasks per schedule and slot) and the slot table.", count, NODES, minutes));
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		Db.truncate(this.dataSource, SCHEDULE_TABLES);
		AtomicLong ran = new AtomicLong();
		TaskTypeRegistry registry = TaskQueueSide.registry(ran::incrementAndGet);
		List<ScheduleRequest> declared = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			declared.add(ScheduleRequest.cron("schedule-" + i, TaskQueueSide.TYPE, "0 * * * * *").build());
		}
		SqlTimer timer = new SqlTimer();
		DataSource timed = timer.wrap(this.dataSource);
		List<TaskQueueEngine> nodes = new ArrayList<>();
		long declareStart = System.nanoTime();
		TaskQueueEngine declaring = TaskQueueSide.engine(timed, registry, "bench-declare")
			.workerEnabled(false)
			.schedules(declared)
			.build();
		declaring.start();
		double declareMillis = (System.nanoTime() - declareStart) / 1e6;
		try {
			timer.reset();
			for (int i = 1; i <= NODES; i++) {
				TaskQueueEngine node = TaskQueueSide.engine(timed, registry, "bench-node-" + i).build();
				node.start();
				nodes.add(node);
			}
			Instant started = Instant.now();
			// The first slot every node was up for, and the last one measured
			Instant first = started.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
			Instant last = first.plus(Duration.ofMinutes(minutes - 1));
			long expected = (long) count * minutes;
			boolean done = Db.await(() -> firedSince(first, last) >= expected && ran.get() >= expected,
					Duration.between(Instant.now(), last).toMillis() + SETTLE_MILLIS, 500);
			double seconds = Duration.between(started, Instant.now()).toMillis() / 1e3;
			nodes.forEach(TaskQueueEngine::stop);
			report(section, timer, first, last, expected, done, seconds, declareMillis);
		}
		finally {
			nodes.forEach(TaskQueueEngine::stop);
			declaring.stop();
			Db.truncate(this.dataSource, SCHEDULE_TABLES);
			Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		}
	}

	private long firedSince(Instant first, Instant last) {
		Long fired = new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM " + Db.PREFIX
				+ "SCHEDULE_SLOT WHERE slot_at >= ? AND slot_at <= ?", Long.class, Timestamp.from(first),
				Timestamp.from(last));
		return (fired != null) ? fired : 0;
	}

	private void report(Report.Section section, SqlTimer timer, Instant first, Instant last, long expected,
			boolean done, double seconds, double declareMillis) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		Timestamp from = Timestamp.from(first);
		Timestamp to = Timestamp.from(last);
		Long tasks = jdbc.queryForObject("SELECT COUNT(*) FROM " + Db.TASK_TABLE
				+ " WHERE schedule_slot >= ? AND schedule_slot <= ?", Long.class, from, to);
		Long twice = jdbc.queryForObject("SELECT COUNT(*) FROM (SELECT schedule_name, schedule_slot FROM "
				+ Db.TASK_TABLE + " WHERE schedule_name IS NOT NULL GROUP BY schedule_name, schedule_slot "
				+ "HAVING COUNT(*) > 1) twice", Long.class);
		Long succeeded = jdbc.queryForObject("SELECT COUNT(*) FROM " + Db.TASK_TABLE
				+ " WHERE schedule_slot >= ? AND schedule_slot <= ? AND status = 'SUCCEEDED'", Long.class, from, to);
		Map<Instant, List<Double>> lags = new TreeMap<>();
		jdbc.query("SELECT slot_at, fired_at FROM " + Db.PREFIX + "SCHEDULE_SLOT WHERE slot_at >= ? AND slot_at <= ?",
				(rs) -> {
					Instant slot = rs.getTimestamp("slot_at").toInstant();
					double lag = Duration.between(slot, rs.getTimestamp("fired_at").toInstant()).toNanos() / 1e6;
					lags.computeIfAbsent(slot, (key) -> new ArrayList<>()).add(lag);
				}, from, to);
		Report.Table table = section.table("Each slot fired once (ms late: from the slot's instant to its commit)",
				"Slot", "Slots fired", "Median ms late", "p99 ms late", "Last fired ms late");
		lags.forEach((slot, values) -> {
			Stats stats = new Stats(values);
			table.row(slot.toString(), String.format(Locale.ROOT, "%,d", stats.count()), Stats.millis(stats.median()),
					Stats.millis(stats.percentile(99)), Stats.millis(stats.max()));
		});
		Report.Table totals = section.table("Totals", "Expected tasks", "Tasks", "Slots fired twice", "Succeeded",
				"All fired in time", "Declaring the schedules");
		totals.row(String.format(Locale.ROOT, "%,d", expected), String.format(Locale.ROOT, "%,d", tasks),
				String.format(Locale.ROOT, "%,d", twice), String.format(Locale.ROOT, "%,d", succeeded),
				done ? "yes" : "no", Stats.millis(declareMillis) + " ms");
		Report.Table statements = section.table(String.format(Locale.ROOT,
				"Statements of the %d nodes over %.0f s, firing and running the tasks, by total time (client-side, "
						+ "round trip included; the due-schedule query reads `name, type, payload, ...`)",
				NODES, seconds),
				"Statement", "Calls", "Calls / minute", "ms / call", "ms / minute");
		for (SqlTimer.Line line : timer.lines().subList(0, Math.min(STATEMENT_LINES, timer.lines().size()))) {
			statements.row(line.key(), String.format(Locale.ROOT, "%,d", line.count()),
					String.format(Locale.ROOT, "%,.0f", line.count() * 60 / seconds),
					Stats.millis(line.totalMillis() / line.count()), Stats.millis(line.totalMillis() * 60 / seconds));
		}
		section.note("Each node reads the due schedules with one indexed query per poll interval, locking up to 500 "
				+ "of them with FOR UPDATE SKIP LOCKED (more only when a poll finds a full batch), so nodes polling "
				+ "at once split the due schedules instead of racing for each; a batch of due slots costs the node "
				+ "that fires it one batched update of the schedule rows (checked against their versions), one "
				+ "batched slot insert and one task insert, in one transaction.");
	}

}

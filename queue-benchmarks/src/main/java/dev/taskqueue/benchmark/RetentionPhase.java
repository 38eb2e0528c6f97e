package dev.taskqueue.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.retention.RetentionPolicy;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Phase 9: a drain on one node while its retention deletes a backlog of old finished tasks,
 * against the same drain with retention off: the drain rate, and the time of the claim
 * statement during the drain, with the old tasks deleted meanwhile. The runs with and without
 * retention are interleaved.
 */
final class RetentionPhase {

	private static final long DRAIN_TIMEOUT_MILLIS = 300_000;

	/** Rounds start at once on a node that starts, not after the default minute. */
	private static final Duration INTERVAL = Duration.ofMillis(100);

	private final Options options;

	private final Database database;

	private final DataSource dataSource;

	private final Report report;

	RetentionPhase(Options options, Database database, Report report) {
		this.options = options;
		this.database = database;
		this.dataSource = database.dataSource();
		this.report = report;
	}

	/** One drain: its rate, its claims, and the old tasks deleted while it ran. */
	private record Run(double rate, long claims, double claimMillis, long deleted, double seconds) {

		double meanClaimMillis() {
			return this.claimMillis / Math.max(1, this.claims);
		}

	}

	void run() {
		int old = this.options.retentionOld;
		int tasks = this.options.retentionTasks;
		Report.Section section = this.report.section("8. Drain while retention deletes "
				+ String.format(Locale.ROOT, "%,d", old) + " old finished tasks (" + this.database.name + ")",
				"The task table holds " + String.format(Locale.ROOT, "%,d", old) + " tasks that succeeded two days "
						+ "ago (past the default retention of 1 day) and a backlog of "
						+ String.format(Locale.ROOT, "%,d", tasks) + " no-op tasks; one node with the engine's "
						+ "defaults (10 x 100) starts and drains the backlog, with retention at its defaults (batches of "
						+ "500, 1 s time budget per round, the next round 9 s after a round cut short) but rounds starting "
						+ "100 ms after the node, or with retention off. The table is filled again before every run. "
						+ "Every statement of the node is timed from the client in both cases (the same small overhead): "
						+ "the claim time is the mean of the claim statements during the drain. Median of "
						+ this.options.retentionRepeats + " runs each, after one unmeasured run of each.");
		System.out.println("   (warm-up round)");
		drain(false, old, tasks);
		drain(true, old, tasks);
		List<Run> without = new ArrayList<>();
		List<Run> with = new ArrayList<>();
		for (int repeat = 1; repeat <= this.options.retentionRepeats; repeat++) {
			without.add(progress("without retention", repeat, drain(false, old, tasks)));
			with.add(progress("with retention", repeat, drain(true, old, tasks)));
		}
		Report.Table table = section.table("Drain with and without retention (median of runs)", "Retention",
				"Drain tasks/s", "Runs (tasks/s)", "Claims", "Claim ms (mean)", "Old tasks deleted during the drain",
				"Deleted / s");
		row(table, "off", without);
		row(table, "on", with);
		double rateWithout = Stats.median(without, Run::rate);
		double rateWith = Stats.median(with, Run::rate);
		Report.Table ratios = section.table("Retention's cost", "Comparison", "Value");
		ratios.row("Drain rate with / without retention (ratio of medians)", Stats.ratio(rateWith / rateWithout));
		ratios.row("Drain rate change (ratio of medians)",
				String.format(Locale.ROOT, "%+.1f%%", (rateWith / rateWithout - 1) * 100));
		// Each run with retention against the run without it just before: drift on a shared machine hits both
		List<Double> pairs = new ArrayList<>();
		for (int i = 0; i < with.size(); i++) {
			pairs.add(with.get(i).rate() / without.get(i).rate());
		}
		double pairMedian = new Stats(pairs).median();
		ratios.row("Drain rate with / without retention, run by run (median of " + pairs.size() + ")",
				Stats.ratio(pairMedian) + " (" + String.join(" / ", pairs.stream().map(Stats::ratio).toList()) + ")");
		ratios.row("Drain rate change, run by run (median)",
				String.format(Locale.ROOT, "%+.1f%%", (pairMedian - 1) * 100));
		ratios.row("Claim time with / without retention",
				Stats.ratio(Stats.median(with, Run::meanClaimMillis) / Stats.median(without, Run::meanClaimMillis)));
		section.note("Goal: the drain falls by less than 10% while retention deletes. Retention deletes a batch by "
				+ "reading up to 500 ids of old finished rows through the partial index on `(status, finished_at)`, "
				+ "then locking exactly those rows by primary key and deleting them with their errors and edges in "
				+ "one short transaction; it never locks a ready or running row, so a claim never waits for it.");
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
	}

	private Run progress(String label, int repeat, Run run) {
		System.out.printf(Locale.ROOT, "   run %d %-18s drain %8s tasks/s, %d claims at %.2f ms, %,d old tasks "
				+ "deleted in %.1f s%n", repeat, label, Stats.rate(run.rate()), run.claims(), run.meanClaimMillis(),
				run.deleted(), run.seconds());
		return run;
	}

	private static void row(Report.Table table, String label, List<Run> runs) {
		table.row(label, Stats.rate(Stats.median(runs, Run::rate)),
				String.join(" / ", runs.stream().map((run) -> Stats.rate(run.rate())).toList()),
				String.format(Locale.ROOT, "%.0f", Stats.median(runs, (run) -> run.claims())),
				String.format(Locale.ROOT, "%.2f", Stats.median(runs, Run::meanClaimMillis)),
				String.format(Locale.ROOT, "%,.0f", Stats.median(runs, (run) -> run.deleted())),
				Stats.rate(Stats.median(runs, (run) -> run.deleted() / run.seconds())));
	}

	private Run drain(boolean retention, int old, int tasks) {
		fill(old);
		CountDownLatch done = new CountDownLatch(tasks);
		TaskTypeRegistry registry = TaskQueueSide.registry(done::countDown);
		enqueue(registry, tasks);
		this.database.settle(Db.TASK_TABLE);
		SqlTimer timer = new SqlTimer();
		TaskQueueEngine node = TaskQueueSide.engine(timer.wrap(this.dataSource), registry, "bench-node")
			.retention(retention ? RetentionPolicy.defaults() : RetentionPolicy.keepEverything())
			.retentionInterval(INTERVAL)
			.build();
		long started = System.nanoTime();
		node.start();
		double rate = Double.NaN;
		double seconds;
		try {
			if (Db.await(done, DRAIN_TIMEOUT_MILLIS) && Db.await(() -> Db.queryLong(this.dataSource,
					"SELECT count(*) FROM " + Db.TASK_TABLE + " WHERE status <> 'SUCCEEDED'") == 0,
					DRAIN_TIMEOUT_MILLIS, 2)) {
				rate = tasks / ((System.nanoTime() - started) / 1e9);
			}
			seconds = (System.nanoTime() - started) / 1e9;
		}
		finally {
			node.stop();
		}
		long remaining = Db.queryLong(this.dataSource,
				"SELECT count(*) FROM " + Db.TASK_TABLE + " WHERE finished_at < now() - interval '1 day'");
		long claims = 0;
		double claimMillis = 0;
		for (SqlTimer.Line line : timer.lines()) {
			if (line.isClaim()) {
				claims += line.count();
				claimMillis += line.totalMillis();
			}
		}
		return new Run(rate, claims, claimMillis, old - remaining, seconds);
	}

	/** Empty the tables, then fill the task table with tasks that succeeded two days ago. */
	private void fill(int old) {
		long start = System.nanoTime();
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		Db.execute(this.dataSource, """
				INSERT INTO %s (id, type, queue, status, priority, run_at, attempts, pending_parents, payload,
					result, created_at, started_at, finished_at)
				SELECT ('01800000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, '%s', 'default', 'SUCCEEDED',
					0, now() - interval '3 days', 1, 0, NULL, NULL, now() - interval '3 days',
					now() - interval '2 days', now() - interval '2 days' + g * interval '1 millisecond'
				FROM generate_series(1, %d) g""".formatted(Db.TASK_TABLE, TaskQueueSide.TYPE, old),
				"VACUUM ANALYZE " + Db.TASK_TABLE, "CHECKPOINT");
		System.out.printf(Locale.ROOT, "   filled %,d old succeeded rows in %.1f s%n", old,
				(System.nanoTime() - start) / 1e9);
	}

	private void enqueue(TaskTypeRegistry registry, int tasks) {
		TaskQueueEngine producer = TaskQueueSide.producer(this.dataSource, registry);
		try {
			List<TaskRequest> requests = new ArrayList<>(tasks);
			for (int i = 0; i < tasks; i++) {
				requests.add(TaskRequest.of(TaskQueueSide.TYPE, null));
			}
			for (int from = 0; from < tasks; from += this.options.enqueueChunk) {
				producer.queue().enqueueAll(requests.subList(from, Math.min(tasks, from + this.options.enqueueChunk)));
			}
		}
		finally {
			producer.stop();
		}
	}

}

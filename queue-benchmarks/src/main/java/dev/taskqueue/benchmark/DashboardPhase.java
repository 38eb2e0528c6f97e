package dev.taskqueue.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.TaskBrowser;
import dev.taskqueue.browse.TaskFilter;
import dev.taskqueue.browse.TaskSummary;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.JdbcTaskBrowser;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.store.jdbc.dialect.TaskCondition;

/**
 * The dashboard's reads on a big table: with a million finished tasks and a hundred thousand
 * ready ones, the time of the overview (counts per queue, live nodes, an hour of throughput)
 * and of the first page of task lists filtered by status, type, queue, job and time, each read
 * through the engine as the dashboard reads it, with the plan PostgreSQL chose for its query.
 */
final class DashboardPhase {

	private static final int PAGE = 50;

	private static final int FIRST_WINDOW = JdbcTaskBrowser.ListScan.DEFAULT.firstWindow();

	private static final int MAX_WINDOW = JdbcTaskBrowser.ListScan.DEFAULT.maxWindow();

	private static final int TYPES = 10;

	private static final int QUEUES = 4;

	private static final int JOBS = 100;

	private final Options options;

	private final DataSource dataSource;

	private final Report report;

	private final Dialect dialect = Dialect.forProduct("PostgreSQL");

	DashboardPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
	}

	void run() {
		int finished = this.options.dashboardFinished;
		int ready = this.options.dashboardReady;
		Report.Section section = this.report.section("9. Dashboard reads on " + String.format(Locale.ROOT, "%,d", finished)
				+ " finished and " + String.format(Locale.ROOT, "%,d", ready) + " ready tasks",
				"The task table holds " + String.format(Locale.ROOT, "%,d", finished) + " finished tasks created over "
						+ "the last 7 days (97% SUCCEEDED, 2% FAILED, 1% CANCELLED, 10% of them in " + JOBS + " jobs), "
						+ String.format(Locale.ROOT, "%,d", ready) + " READY tasks due now and 1,000 WAITING ones, of "
						+ TYPES + " types on " + QUEUES + " queues. Each read goes through the engine as the dashboard "
						+ "reads it (rows mapped, the counts uncached), and is timed from the client: median and "
						+ "maximum of " + this.options.dashboardRepeats + " reads after 3 unmeasured ones.");
		fill(finished, ready);
		TaskQueueEngine engine = TaskQueueSide.engine(this.dataSource, TaskQueueSide.registry(() -> {
		}), "bench-dashboard").workerEnabled(false).taskCountsRefreshInterval(Duration.ZERO).build();
		engine.start();
		try {
			TaskBrowser browser = engine.browser();
			Instant now = engine.now();
			Instant hourAgo = now.truncatedTo(ChronoUnit.MINUTES).minus(59, ChronoUnit.MINUTES);
			UUID job = jobId(JOBS / 2);
			Instant from = now.minus(Duration.ofDays(3));
			Instant to = from.plus(Duration.ofHours(1));
			Report.Table table = section.table("Dashboard reads (ms)", "Read", "Median", "Max", "Rows", "Page");
			Map<String, Explained> plans = new LinkedHashMap<>();
			time(table, "overview: counts per queue and status", () -> engine.taskCounts().groups().size());
			time(table, "overview: live nodes", () -> engine.nodes().size());
			time(table, "overview: throughput of the last hour", () -> browser.throughput(hourAgo).size());
			time(table, "overview: all three", () -> engine.taskCounts().groups().size() + engine.nodes().size()
					+ browser.throughput(hourAgo).size());
			plans.put("counts per queue and status", new Explained(this.dialect.countUnfinishedTasks(), List.of(now)));
			plans.put("throughput of the last hour",
					new Explained(this.dialect.countFinishedPerMinute(), List.of(hourAgo, hourAgo)));
			Map<String, TaskFilter> filters = new LinkedHashMap<>();
			filters.put("no filter", TaskFilter.ALL);
			filters.put("status=READY", new TaskFilter(TaskStatus.READY, null, null, null, null, null));
			filters.put("status=SUCCEEDED", new TaskFilter(TaskStatus.SUCCEEDED, null, null, null, null, null));
			filters.put("status=FAILED (2%)", new TaskFilter(TaskStatus.FAILED, null, null, null, null, null));
			filters.put("status=CANCELLED (1%)", new TaskFilter(TaskStatus.CANCELLED, null, null, null, null, null));
			filters.put("status=RUNNING (none)", new TaskFilter(TaskStatus.RUNNING, null, null, null, null, null));
			filters.put("type=type-3", new TaskFilter(null, "type-3", null, null, null, null));
			filters.put("queue=queue-2", new TaskFilter(null, null, "queue-2", null, null, null));
			filters.put("status=FAILED, type=type-3 (none: failed tasks are of type-7)",
					new TaskFilter(TaskStatus.FAILED, "type-3", null, null, null, null));
			filters.put("type=unknown (none)", new TaskFilter(null, "unknown", null, null, null, null));
			filters.put("job (1,000 tasks)", new TaskFilter(null, null, null, job, null, null));
			filters.put("created in one hour 3 days ago", new TaskFilter(null, null, null, null, from, to));
			for (Map.Entry<String, TaskFilter> filter : filters.entrySet()) {
				timePage(table, "tasks, first page: " + filter.getKey(), () -> browser.tasks(filter.getValue(), null, PAGE));
				plans.put("tasks: " + filter.getKey(), explained(filter.getValue(), FIRST_WINDOW));
			}
			UUID cursor = browser.tasks(TaskFilter.ALL, null, PAGE).next();
			timePage(table, "tasks, second page: no filter", () -> browser.tasks(TaskFilter.ALL, cursor, PAGE));
			List<String> untilTheEnd = new ArrayList<>();
			for (String noMatch : List.of("status=FAILED, type=type-3 (none: failed tasks are of type-7)",
					"type=unknown (none)")) {
				TaskFilter filter = filters.get(noMatch);
				UUID scannedTo = browser.tasks(filter, null, PAGE).scannedTo();
				if (scannedTo != null) {
					timePage(table, "tasks, keep looking once: " + noMatch, () -> browser.tasks(filter, scannedTo, PAGE));
				}
				untilTheEnd.add(noMatch + ": " + requestsToTheEnd(browser, filter));
				plans.put("tasks: " + noMatch + ", a window of " + String.format(Locale.ROOT, "%,d", MAX_WINDOW) + " ids",
						explained(filter, MAX_WINDOW));
			}
			plans.put("window start " + String.format(Locale.ROOT, "%,d", MAX_WINDOW) + " ids below the newest",
					new Explained(this.dialect.selectWindowStart(null, false), List.of(MAX_WINDOW - 1)));
			time(table, "jobs, first page", () -> browser.jobs(null, null, PAGE).items().size());
			section.note("Goal: every read under 100 ms. Task lists are newest first by the time-ordered id: "
					+ "ORDER BY id DESC LIMIT 51 with the filters as bound parameters, and the next page after the "
					+ "last id (keyset). A filtered list reads windows of the primary key below the cursor (1,000 ids "
					+ "doubling to 50,000, each window's start found by an index-only OFFSET; a FAILED or CANCELLED list counts its windows in the failed index), until the page is full, "
					+ "the table ends or 40 ms are spent; Page: full (a next page follows), last (the table ended), "
					+ "cut short (scannedTo: Keep looking goes on). Requests of Keep looking from the first page to "
					+ "the end of the table: " + String.join("; ", untilTheEnd) + ".");
			for (Map.Entry<String, Explained> plan : plans.entrySet()) {
				section.code("Plan: " + plan.getKey(), explain(plan.getValue()));
			}
		}
		finally {
			engine.stop();
			Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		}
	}

	private void timePage(Report.Table table, String label, Supplier<Page<TaskSummary>> read) {
		Page<TaskSummary> page = read.get();
		String end = (page.scannedTo() != null) ? "cut short" : (page.next() != null) ? "full" : "last";
		time(table, label, () -> read.get().items().size(), end);
	}

	/** Follow a list from its first page to its end, and count the requests. */
	private static int requestsToTheEnd(TaskBrowser browser, TaskFilter filter) {
		int requests = 0;
		UUID after = null;
		do {
			after = browser.tasks(filter, after, PAGE).next();
			requests++;
		}
		while (after != null);
		return requests;
	}

	private void time(Report.Table table, String label, Supplier<Integer> read) {
		time(table, label, read, "");
	}

	private void time(Report.Table table, String label, Supplier<Integer> read, String end) {
		for (int i = 0; i < 3; i++) {
			read.get();
		}
		List<Double> millis = new ArrayList<>();
		int rows = 0;
		for (int i = 0; i < this.options.dashboardRepeats; i++) {
			long start = System.nanoTime();
			rows = read.get();
			millis.add((System.nanoTime() - start) / 1e6);
		}
		Stats stats = new Stats(millis);
		table.row(label, Stats.millis(stats.median()), Stats.millis(stats.max()), Integer.toString(rows), end);
	}

	/**
	 * The statement and parameters of a first page, as the browser binds them: for a filter
	 * other than every task or the running ones, that of its window of {@code window} ids.
	 */
	private Explained explained(TaskFilter filter, int window) {
		Map<TaskCondition, Object> values = new LinkedHashMap<>();
		if (filter.type() != null) {
			values.put(TaskCondition.TYPE, filter.type());
		}
		if (filter.queue() != null) {
			values.put(TaskCondition.QUEUE, filter.queue());
		}
		if (filter.jobId() != null) {
			values.put(TaskCondition.JOB, filter.jobId());
		}
		if (filter.from() != null) {
			values.put(TaskCondition.CREATED_FROM, filter.from());
		}
		UUID before = null;
		if (filter.to() != null) {
			values.put(TaskCondition.CREATED_BEFORE, filter.to());
			// The browser starts the scan of ids an hour after the end of the creation times
			before = TaskIds.lowest(filter.to().plus(Duration.ofHours(1)));
			values.put(TaskCondition.BEFORE_ID, before);
		}
		if (!(values.isEmpty() && filter.status() == null) && filter.status() != TaskStatus.RUNNING) {
			UUID start = windowStart(filter.status(), before, window);
			if (start != null) {
				values.put(TaskCondition.FROM_ID, start);
			}
		}
		Set<TaskCondition> conditions = values.isEmpty() ? EnumSet.noneOf(TaskCondition.class)
				: EnumSet.copyOf(values.keySet());
		List<Object> parameters = new ArrayList<>(values.values());
		parameters.add(PAGE + 1);
		return new Explained(this.dialect.browseTasks(filter.status(), conditions), parameters);
	}

	/** The start of the window of ids, or {@code null} if fewer are left. */
	private @Nullable UUID windowStart(@Nullable TaskStatus status, @Nullable UUID before, int window) {
		String sql = this.dialect.selectWindowStart(status, before != null).replace("%PREFIX%", Db.PREFIX);
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(sql)) {
			int index = 1;
			if (before != null) {
				this.dialect.setId(ps, index++, before);
			}
			ps.setInt(index, window - 1);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? this.dialect.getId(rs, "id") : null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read " + sql, ex);
		}
	}

	private List<String> explain(Explained explained) {
		String sql = "EXPLAIN (ANALYZE, BUFFERS) " + explained.sql().replace("%PREFIX%", Db.PREFIX);
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(sql)) {
			int index = 1;
			for (Object value : explained.parameters()) {
				if (value instanceof UUID id) {
					this.dialect.setId(ps, index++, id);
				}
				else if (value instanceof Instant instant) {
					this.dialect.setInstant(ps, index++, instant);
				}
				else if (value instanceof Integer number) {
					ps.setInt(index++, number);
				}
				else {
					ps.setString(index++, (String) value);
				}
			}
			List<String> lines = new ArrayList<>();
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					lines.add(rs.getString(1));
				}
			}
			return lines;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not explain " + sql, ex);
		}
	}

	/**
	 * Empty the tables, then fill them: finished tasks created over the last 7 days, then the
	 * ready and waiting ones, created in the last two minutes, each with a time-ordered id made
	 * at its creation time.
	 */
	private void fill(int finished, int ready) {
		long start = System.nanoTime();
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		Db.execute(this.dataSource, """
				INSERT INTO %1$sJOB (id, name, status, created_at, started_at, finished_at)
				SELECT ('01700000-0000-7000-8000-' || lpad(to_hex(j), 12, '0'))::uuid, 'job ' || j, 'SUCCEEDED',
					now() - interval '7 days', now() - interval '7 days', now() - interval '1 minute'
				FROM generate_series(1, %2$d) j""".formatted(Db.PREFIX, JOBS), """
				INSERT INTO %1$sTASK (id, type, queue, status, priority, run_at, attempts, pending_parents, job_id,
					payload, result, error_message, worker, created_at, started_at, finished_at)
				SELECT (substr(c.ms, 1, 8) || '-' || substr(c.ms, 9, 4) || '-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
					'type-' || (g %% %3$d),
					'queue-' || (g %% %4$d), s.status, 0, c.at, 1, 0,
					CASE WHEN g %% 10 = 0 THEN ('01700000-0000-7000-8000-' || lpad(to_hex(1 + (g / 10) %% %5$d), 12,
						'0'))::uuid END,
					'{"order":' || g || '}', '"done"',
					CASE WHEN s.status = 'FAILED' THEN 'Boom' END, 'bench-node', c.at, c.at, c.at + interval '1 second'
				FROM generate_series(1, %2$d) g
				CROSS JOIN LATERAL (SELECT now() - interval '7 days' + (g * interval '7 days') / %2$d AS at) t
				CROSS JOIN LATERAL (SELECT t.at, lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') AS ms) c
				CROSS JOIN LATERAL (SELECT CASE WHEN g %% 100 IN (7, 57) THEN 'FAILED' WHEN g %% 100 = 31
					THEN 'CANCELLED' ELSE 'SUCCEEDED' END AS status) s""".formatted(Db.PREFIX, finished, TYPES,
					QUEUES, JOBS), """
				INSERT INTO %1$sTASK (id, type, queue, status, priority, run_at, attempts, pending_parents, payload,
					created_at)
				SELECT (substr(c.ms, 1, 8) || '-' || substr(c.ms, 9, 4) || '-7000-8001-' || lpad(to_hex(g), 12, '0'))::uuid,
					'type-' || (g %% %3$d), 'queue-' || (g %% %4$d),
					CASE WHEN g > %2$d THEN 'WAITING' ELSE 'READY' END, 0,
					now() - interval '10 minutes' + (g * interval '10 minutes') / %2$d, 0,
					CASE WHEN g > %2$d THEN 1 ELSE 0 END, '{"order":' || g || '}', c.at
				FROM generate_series(1, %2$d + 1000) g
				CROSS JOIN LATERAL (SELECT now() - interval '2 minutes' + (g * interval '1 minute') / %2$d AS at) t
				CROSS JOIN LATERAL (SELECT t.at, lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') AS ms) c""".formatted(Db.PREFIX, ready, TYPES, QUEUES),
				"VACUUM ANALYZE " + Db.TASK_TABLE, "VACUUM ANALYZE " + Db.PREFIX + "JOB", "CHECKPOINT");
		System.out.printf(Locale.ROOT, "   filled %,d finished and %,d ready tasks in %.1f s%n", finished, ready,
				(System.nanoTime() - start) / 1e9);
	}

	private static UUID jobId(int job) {
		return UUID.fromString("01700000-0000-7000-8000-" + String.format(Locale.ROOT, "%012x", job));
	}

	private record Explained(String sql, List<Object> parameters) {

	}

}

package dev.taskqueue.benchmark;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.jdbc.JdbcTaskStore;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Phase 5: the time of one claim ({@link JdbcTaskStore#claim}) against the size of the backlog.
 * Each measured claim runs inside a transaction that is rolled back, so the backlog stays the
 * same; the claim joins that transaction, so its own commit is not in the time.
 */
final class ClaimPhase {

	private static final String QUEUE = "claim";

	private static final int WARMUP = 5;

	private final Options options;

	private final Dialect dialect = Dialect.forProduct("PostgreSQL");

	private final DataSource dataSource;

	private final Report report;

	private final JdbcTaskStore store;

	private final TransactionTemplate rolledBack;

	ClaimPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
		this.store = new JdbcTaskStore(dataSource, this.dialect, Db.PREFIX,
				new PayloadCodec(TaskQueueSide.MAPPER), "claim-benchmark", TaskQueueMetrics.of(null));
		this.rolledBack = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	void run() throws SQLException {
		int backlog = this.options.claimBacklog;
		int size = this.options.claimSize;
		Report.Section section = this.report.section("5. Claim cost vs backlog",
				"One claim of up to " + size + " tasks through `JdbcTaskStore.claim` (PostgreSQL dialect: one "
						+ "`UPDATE ... WHERE id = ANY(ARRAY(SELECT ... FOR UPDATE SKIP LOCKED)) RETURNING`), timed in a "
						+ "transaction rolled back after each claim so the backlog stays the same. Backlogs are "
						+ "filled with `INSERT ... SELECT generate_series`, then `VACUUM ANALYZE`. Median of "
						+ this.options.claimSamples + " claims after " + WARMUP + " warm-up claims.");
		Report.Table table = section.table("Claim time (ms, lower is better)", "Rows in the table",
				"Ready rows", "Claimed per call", "Median", "p99", "Min", "Fill time s");
		String label = String.format(Locale.ROOT, "%,d", backlog);

		double fill = fill(10, 0);
		Claims small = claims(size);
		row(table, "10", "10", small, fill);

		fill = fill(1_000, 0);
		Claims thousand = claims(size);
		row(table, "1,000", "1,000", thousand, fill);

		fill = fill(10, backlog);
		Claims finished = claims(size);
		row(table, "10 + " + label + " SUCCEEDED", "10", finished, fill);

		fill = fill(backlog, 0);
		Claims large = claims(size);
		row(table, label, label, large, fill);

		fill = fill(backlog, backlog);
		Claims both = claims(size);
		row(table, label + " + " + label + " SUCCEEDED", label, both, fill);
		Claims bothSmall = claims(10);
		row(table, label + " + " + label + " SUCCEEDED", label, bothSmall, 0);
		List<String> customPlan = explain(false);
		List<String> genericPlan = explain(true);
		Stats committed = committedClaims(size);

		Report.Table ratios = section.table("Claim cost ratio (1.00x = flat)", "Comparison", "Ratio of medians");
		ratios.row(label + " ready / 1,000 ready (both claim " + size + ")",
				Stats.ratio(large.median() / thousand.median()));
		ratios.row(label + " ready / 10 ready (claims " + size + " vs 10)", Stats.ratio(large.median() / small.median()));
		ratios.row("10 ready + " + label + " finished / 10 ready", Stats.ratio(finished.median() / small.median()));
		ratios.row(label + " ready + " + label + " finished / 10 ready (both claim 10)",
				Stats.ratio(bothSmall.median() / small.median()));
		ratios.row(label + " ready + " + label + " finished / 1,000 ready (both claim " + size + ")",
				Stats.ratio(both.median() / thousand.median()));
		section.note(String.format(Locale.ROOT, "Claims that commit, one after another on the %s ready + finished backlog "
				+ "(each leaves %d dead entries at the head of the ready index until vacuum; %d claims take "
				+ "%,d of the %s tasks): median %s ms, p99 %s ms including the commit.", label, size,
				this.options.claimSamples, this.options.claimSamples * size, label, Stats.millis(committed.median()),
				Stats.millis(committed.percentile(99))));
		section.code("`EXPLAIN (ANALYZE, BUFFERS)` of the claim statement at " + label + " ready and " + label
				+ " finished tasks "
				+ "(parameters inlined; rolled back). " + planVerdict(customPlan), customPlan);
		section.code("The same with the generic plan, which a server-prepared statement would switch to after five "
				+ "executions did the claim not ask for a custom plan each time (forced here with "
				+ "`plan_cache_mode = force_generic_plan`). " + planVerdict(genericPlan),
				genericPlan);
		Db.truncate(this.dataSource, Db.TASK_TABLE);
	}

	private record Claims(Stats stats, int claimed) {

		double median() {
			return this.stats.median();
		}

	}

	private static void row(Report.Table table, String rows, String ready, Claims claims, double fillSeconds) {
		table.row(rows, ready, Integer.toString(claims.claimed()), Stats.millis(claims.stats().median()),
				Stats.millis(claims.stats().percentile(99)), Stats.millis(claims.stats().min()),
				String.format(Locale.ROOT, "%.1f", fillSeconds));
	}

	/** Empty the table, then fill it with ready tasks and finished tasks; return the seconds it took. */
	private double fill(int ready, int succeeded) {
		long start = System.nanoTime();
		Db.truncate(this.dataSource, Db.TASK_TABLE);
		if (succeeded > 0) {
			insert(1, succeeded, "SUCCEEDED");
		}
		insert(succeeded + 1, succeeded + ready, "READY");
		Db.execute(this.dataSource, "VACUUM ANALYZE " + Db.TASK_TABLE, "CHECKPOINT");
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf(Locale.ROOT, "   filled %,d ready + %,d succeeded rows in %.1f s%n", ready, succeeded,
				seconds);
		return seconds;
	}

	private void insert(int from, int to, String status) {
		// Time-ordered ids like TaskQueue's own (version 7 layout); run_at spread over the past day
		Db.execute(this.dataSource, """
				INSERT INTO %s (id, type, queue, status, priority, run_at, attempts, pending_parents, payload,
					result, created_at, finished_at)
				SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'noop', '%s', '%s', 0,
					now() - interval '1 day' + g * interval '1 millisecond', %s, 0, NULL, NULL,
					now() - interval '1 day', %s
				FROM generate_series(%d, %d) g""".formatted(Db.TASK_TABLE, QUEUE, status,
				status.equals("READY") ? "0" : "1", status.equals("READY") ? "NULL" : "now()", from, to));
	}

	private Claims claims(int size) {
		List<Double> times = new ArrayList<>();
		int claimedCount = 0;
		for (int i = 0; i < WARMUP + this.options.claimSamples; i++) {
			double[] millis = new double[1];
			int[] claimed = new int[1];
			this.rolledBack.executeWithoutResult((transaction) -> {
				Instant now = Instant.now();
				long start = System.nanoTime();
				List<ClaimedTask> tasks = this.store.claim(QUEUE, size, "bench-claimer", now,
						now.plus(Duration.ofMinutes(5)));
				millis[0] = (System.nanoTime() - start) / 1e6;
				claimed[0] = tasks.size();
				transaction.setRollbackOnly();
			});
			if (i >= WARMUP) {
				times.add(millis[0]);
			}
			claimedCount = claimed[0];
		}
		Stats stats = new Stats(times);
		System.out.printf(Locale.ROOT, "   claimed %d per call: median %.2f ms, p99 %.2f ms%n", claimedCount,
				stats.median(), stats.percentile(99));
		return new Claims(stats, claimedCount);
	}

	/** Claims that commit, back to back, as a draining worker would make them. */
	private Stats committedClaims(int size) {
		List<Double> times = new ArrayList<>();
		for (int i = 0; i < this.options.claimSamples; i++) {
			Instant now = Instant.now();
			long start = System.nanoTime();
			this.store.claim(QUEUE, size, "bench-claimer", now, now.plus(Duration.ofMinutes(5)));
			times.add((System.nanoTime() - start) / 1e6);
		}
		return new Stats(times);
	}

	/** {@code EXPLAIN (ANALYZE, BUFFERS)} of the dialect's claim statement, in a rolled-back transaction. */
	private List<String> explain(boolean generic) throws SQLException {
		String claim = this.dialect.claimReturning().replace("%PREFIX%", Db.PREFIX);
		// The statements sent before the claim in its round trip (settings) are not explained
		String sql = claim.substring(claim.lastIndexOf(';') + 1).strip();
		String[] literals = { "'bench-explain'", "now()", "now() + interval '5 minutes'", "42", "'" + QUEUE + "'",
				"now()", Integer.toString(this.options.claimSize) };
		String[] typed = { "$1", "$2", "$3", "$4", "$5", "$6", "$7" };
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				if (!generic) {
					return Db.queryLines(connection, "EXPLAIN (ANALYZE, BUFFERS) " + fill(sql, literals));
				}
				Db.queryLines(connection, "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)");
				try (var statement = connection.createStatement()) {
					statement.execute("PREPARE tqb_claim (varchar, timestamptz, timestamptz, bigint, varchar, "
							+ "timestamptz, int) AS " + fill(sql, typed));
				}
				return Db.queryLines(connection, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE tqb_claim("
						+ String.join(", ", literals) + ")");
			}
			finally {
				connection.rollback();
				if (generic) {
					try (var statement = connection.createStatement()) {
						statement.execute("DEALLOCATE tqb_claim");
					}
					connection.commit();
				}
				connection.setAutoCommit(true);
			}
		}
	}

	/** Whether a plan finds its rows through the ready index only, or also reads the whole table. */
	private static String planVerdict(List<String> plan) {
		String text = String.join("\n", plan).toLowerCase(Locale.ROOT);
		boolean readyIndex = text.contains("tqb_task_ready_idx");
		boolean seqScan = text.contains("seq scan on tqb_task");
		if (readyIndex && !seqScan) {
			return "Walks the partial ready index and updates the rows by primary key: flat in the backlog.";
		}
		if (readyIndex) {
			return "Picks the ids from the partial ready index, but the outer UPDATE reads the WHOLE TABLE "
					+ "(Seq Scan): cost grows with the table.";
		}
		return "Does NOT use the partial ready index.";
	}

	private static String fill(String sql, String[] values) {
		StringBuilder filled = new StringBuilder();
		int next = 0;
		for (char c : sql.toCharArray()) {
			if (c == '?') {
				filled.append(values[next++]);
			}
			else {
				filled.append(c);
			}
		}
		return filled.toString();
	}

}

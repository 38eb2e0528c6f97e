package dev.taskqueue.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * Phase 3: back-to-back drains while another session holds a snapshot open, as a report, a backup
 * or a forgotten console does, so that no dead row or index entry left by earlier drains can be
 * cleaned; then the same series without it. The tables are emptied before each series only, never
 * between its drains.
 */
final class SnapshotPhase {

	/** What the holding session runs and then leaves idle: any table will do, the snapshot is what counts. */
	private static final String[] HOLD = { "BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT 1 FROM pg_class LIMIT 1" };

	private final Options options;

	private final DataSource dataSource;

	private final DrainPhase drains;

	private final Report report;

	SnapshotPhase(Options options, DataSource dataSource, DrainPhase drains, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.drains = drains;
		this.report = report;
	}

	void run() throws SQLException {
		int[] taskQueueConfig = this.options.snapshotTaskQueueConfig;
		String dbSchedulerConfig = this.options.snapshotDbSchedulerConfig;
		int tasks = this.options.snapshotTasks;
		String taskQueueLabel = DrainPhase.taskQueueLabel(taskQueueConfig);
		String dbSchedulerLabel = DrainPhase.dbSchedulerLabel(dbSchedulerConfig);
		Report.Section section = this.report.section("3. Drains while another session holds a snapshot open",
				"Another connection runs `" + String.join("; ", HOLD) + ";` and stays idle in that transaction for "
						+ "the whole series; meanwhile " + this.options.snapshotDrains + " back-to-back drains of "
						+ String.format(Locale.ROOT, "%,d", tasks) + " no-op tasks each, TaskQueue (" + taskQueueLabel
						+ ") and db-scheduler (" + dbSchedulerLabel + ") interleaved, each timed as in the drain "
						+ "phase. Then the same series with no snapshot held. Both tables are emptied before each "
						+ "series, not between its drains: TaskQueue keeps its finished rows, db-scheduler deletes "
						+ "them. Each pair of series runs with the server's autovacuum switched "
						+ this.options.snapshotAutovacuum.stream().map((on) -> on ? "on" : "off")
							.collect(java.util.stream.Collectors.joining(", then "))
						+ " (`ALTER SYSTEM` and a reload, the server's own setting put back afterwards). Vacuum: "
						+ Db.vacuumSettings(this.dataSource) + ".");
		System.out.println("   (warm-up round)");
		Db.truncate(this.dataSource, Db.TASK_TABLE, Db.DBS_TABLE);
		drainTaskQueue(tasks);
		drainDbScheduler(tasks);
		List<String[]> summary = new ArrayList<>();
		for (boolean autovacuum : this.options.snapshotAutovacuum) {
			try (Autovacuum setting = Autovacuum.set(this.dataSource, autovacuum)) {
				for (boolean held : new boolean[] { true, false }) {
					series(section, autovacuum ? "on" : "off", held, summary);
				}
			}
		}
		int drains = this.options.snapshotDrains;
		Report.Table firstAndLast = section.table("First and last drain of each series (tasks/s, higher is better)",
				"Autovacuum", "Snapshot held", "System", "Drain 1", "Drain " + drains, "Drain " + drains + " / drain 1",
				"Autovacuum runs on its table");
		summary.forEach(firstAndLast::row);
		section.note("Table / indexes: `pg_table_size` and `pg_indexes_size` of each system's task table after "
				+ "the drain (TaskQueue's other tables stay empty here). Autovacuum runs: "
				+ "`autovacuum_count` of the table over the series.");
		Db.truncate(this.dataSource, Db.TASK_TABLE, Db.DBS_TABLE);
	}

	/** One series of back-to-back drains, with its table and its two summary rows. */
	private void series(Report.Section section, String autovacuum, boolean held, List<String[]> summary)
			throws SQLException {
		int tasks = this.options.snapshotTasks;
		Db.truncate(this.dataSource, Db.TASK_TABLE, Db.DBS_TABLE);
		long[] autovacuumsBefore = { Db.autovacuums(this.dataSource, Db.TASK_TABLE),
				Db.autovacuums(this.dataSource, Db.DBS_TABLE) };
		List<Double> taskQueue = new ArrayList<>();
		List<Double> dbScheduler = new ArrayList<>();
		Report.Table table = section.table("Autovacuum " + autovacuum + ", " + (held ? "with" : "without")
				+ " a snapshot held: each drain (tasks/s, higher is better)", "Drain", "TaskQueue tasks/s",
				"db-scheduler tasks/s", "Ratio TaskQueue / db-scheduler", "TaskQueue table / indexes (kB)",
				"db-scheduler table / indexes (kB)");
		try (Connection holder = held ? hold() : null) {
			for (int drain = 1; drain <= this.options.snapshotDrains; drain++) {
				taskQueue.add(drainTaskQueue(tasks));
				dbScheduler.add(drainDbScheduler(tasks));
				table.row(Integer.toString(drain), Stats.rate(taskQueue.get(drain - 1)),
						Stats.rate(dbScheduler.get(drain - 1)),
						Stats.ratio(taskQueue.get(drain - 1) / dbScheduler.get(drain - 1)),
						Db.sizes(this.dataSource, Db.TASK_TABLE), Db.sizes(this.dataSource, Db.DBS_TABLE));
			}
		}
		String heldCell = held ? "yes" : "no";
		int last = taskQueue.size() - 1;
		summary.add(new String[] { autovacuum, heldCell,
				"TaskQueue " + DrainPhase.taskQueueLabel(this.options.snapshotTaskQueueConfig),
				Stats.rate(taskQueue.get(0)), Stats.rate(taskQueue.get(last)),
				Stats.ratio(taskQueue.get(last) / taskQueue.get(0)),
				Long.toString(Db.autovacuums(this.dataSource, Db.TASK_TABLE) - autovacuumsBefore[0]) });
		summary.add(new String[] { autovacuum, heldCell,
				"db-scheduler " + DrainPhase.dbSchedulerLabel(this.options.snapshotDbSchedulerConfig),
				Stats.rate(dbScheduler.get(0)), Stats.rate(dbScheduler.get(last)),
				Stats.ratio(dbScheduler.get(last) / dbScheduler.get(0)),
				Long.toString(Db.autovacuums(this.dataSource, Db.DBS_TABLE) - autovacuumsBefore[1]) });
	}

	private double drainTaskQueue(int tasks) {
		int[] config = this.options.snapshotTaskQueueConfig;
		return this.drains.taskQueueOnTable(config[0], config[1], tasks, this.dataSource).rate();
	}

	private double drainDbScheduler(int tasks) {
		return this.drains.dbSchedulerOnTable(this.options.snapshotDbSchedulerConfig, tasks, this.dataSource).rate();
	}

	/** A session of its own, outside the pool, left idle in a transaction that holds a snapshot. */
	private Connection hold() throws SQLException {
		Connection holder = DriverManager.getConnection(this.options.url, this.options.user, this.options.password);
		try (Statement statement = holder.createStatement()) {
			for (String sql : HOLD) {
				statement.execute(sql);
			}
			try (ResultSet rs = statement
				.executeQuery("SELECT backend_xmin FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
				rs.next();
				if (rs.getString(1) == null) {
					throw new IllegalStateException("The holding session shows no snapshot (backend_xmin is null)");
				}
				System.out.println("   snapshot held, backend_xmin " + rs.getString(1));
			}
		}
		catch (SQLException | RuntimeException ex) {
			holder.close();
			throw ex;
		}
		return holder;
	}

}

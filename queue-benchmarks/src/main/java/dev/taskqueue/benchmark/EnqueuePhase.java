package dev.taskqueue.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;

import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Phase 2: enqueue at 1, 10 and 10,000 tasks per call, TaskQueue's {@code enqueue} and
 * {@code enqueueAll} against db-scheduler's {@code schedule} and {@code scheduleBatch}, on the
 * plain URL and with pgjdbc's {@code reWriteBatchedInserts}, with the CPU each task cost the JVM
 * and the database; beside them the floor, plain JDBC inserting minimal rows as fast as one
 * connection can.
 */
final class EnqueuePhase {

	private static final int[] TASKS_PER_CALL = { 1, 10, 10_000 };

	/** The most rows the floor inserts with one statement; a call of more is several, in a transaction. */
	private static final int FLOOR_ROWS_PER_STATEMENT = 1000;

	private final Options options;

	private final Database database;

	private final DataSource dataSource;

	private final Report report;

	private final Jfr jfr;

	private final String title;

	private final Dialect dialect;

	EnqueuePhase(Options options, Database database, Report report, Jfr jfr, String title) {
		this.options = options;
		this.database = database;
		this.dataSource = database.dataSource();
		this.report = report;
		this.jfr = jfr;
		this.title = title;
		this.dialect = Dialect.forProduct(database.name);
	}

	/** One timed enqueue run. */
	private record Run(int tasks, double rate, double jvmCpuNanos, double serverCpuNanos) {

		double jvmMicrosPerTask() {
			return this.jvmCpuNanos / this.tasks / 1000;
		}

		double serverMicrosPerTask() {
			return this.serverCpuNanos / this.tasks / 1000;
		}

		double totalMicrosPerTask() {
			return jvmMicrosPerTask() + serverMicrosPerTask();
		}

	}

	/** The runs of one system, call size and URL. */
	private record Series(List<Run> runs) {

		double rate() {
			return median(Run::rate);
		}

		double median(ToDoubleFunction<Run> value) {
			return new Stats(this.runs.stream().map(value::applyAsDouble).toList()).median();
		}

		String rates() {
			return this.runs.stream().map((run) -> Stats.rate(run.rate())).collect(Collectors.joining(" / "));
		}

	}

	void run() {
		Report.Section section = this.report.section(this.title + ": 1, 10 and 10,000 tasks per call ("
				+ this.database.name + ")",
				"Each call enqueues tasks for immediate execution on a node that only enqueues (TaskQueue) or "
						+ "through a `SchedulerClient` (db-scheduler): "
						+ String.format(Locale.ROOT, "%,d", this.options.enqueueSingleTasks)
						+ " tasks one `enqueue` / `schedule` call each, and "
						+ String.format(Locale.ROOT, "%,d", this.options.enqueueBatchTasks)
						+ " tasks in `enqueueAll` / `scheduleBatch` calls of 10 and of 10,000, each call its own "
						+ "transaction, on emptied tables after a `CHECKPOINT`. Median of "
						+ this.options.enqueueRepeats
						+ " runs, the two systems' runs and the database floor's interleaved, after one unmeasured "
						+ "round.");
		System.out.println("   (warm-up round)");
		for (int perCall : TASKS_PER_CALL) {
			taskQueue(this.dataSource, perCall);
			dbScheduler(this.dataSource, perCall);
			floor(this.dataSource, perCall);
		}
		Report.Table table = section.table(
				"Enqueue rate and CPU per task (rate: higher is better; CPU: lower is better)", "Tasks per call",
				this.database.urlColumn(), "System", "Call", "Median tasks/s", "Runs (tasks/s)", "JVM CPU µs / task",
				this.database.name + " CPU µs / task", "Total CPU µs / task");
		Report.Table ratios = section.table("Enqueue ratios TaskQueue / db-scheduler (rate: higher is better for "
				+ "TaskQueue; CPU: lower is better for TaskQueue)", "Tasks per call", this.database.urlColumn(),
				"Rate ratio", "CPU per task ratio", "TaskQueue this URL / plain rate",
				"db-scheduler this URL / plain rate", "TaskQueue / floor rate", "db-scheduler / floor rate");
		for (int perCall : TASKS_PER_CALL) {
			Series[] plain = null;
			for (Map.Entry<String, ? extends DataSource> variant : this.database.variants().entrySet()) {
				List<Run> taskQueue = new ArrayList<>();
				List<Run> dbScheduler = new ArrayList<>();
				List<Run> floor = new ArrayList<>();
				for (int repeat = 0; repeat < this.options.enqueueRepeats; repeat++) {
					taskQueue.add(this.jfr.record("enqueue, " + this.database.name, () -> taskQueue(variant.getValue(), perCall)));
					dbScheduler.add(dbScheduler(variant.getValue(), perCall));
					floor.add(floor(variant.getValue(), perCall));
				}
				Series tq = new Series(taskQueue);
				Series dbs = new Series(dbScheduler);
				Series least = new Series(floor);
				plain = (plain != null) ? plain : new Series[] { tq, dbs };
				String url = variant.getKey();
				row(table, perCall, url, "TaskQueue", (perCall == 1) ? "enqueue" : "enqueueAll", tq);
				row(table, perCall, url, "db-scheduler", (perCall == 1) ? "schedule" : "scheduleBatch", dbs);
				row(table, perCall, url, "database floor", (perCall <= FLOOR_ROWS_PER_STATEMENT)
						? "INSERT of " + perCall + " row(s)"
						: String.format(Locale.ROOT, "INSERTs of %,d rows in a transaction", FLOOR_ROWS_PER_STATEMENT),
						least);
				ratios.row(Integer.toString(perCall), url, Stats.ratio(tq.rate() / dbs.rate()),
						Stats.ratio(tq.median(Run::totalMicrosPerTask) / dbs.median(Run::totalMicrosPerTask)),
						Stats.ratio(tq.rate() / plain[0].rate()), Stats.ratio(dbs.rate() / plain[1].rate()),
						Stats.ratio(tq.rate() / least.rate()), Stats.ratio(dbs.rate() / least.rate()));
			}
		}
		section.note("CPU per task: the JVM's whole process CPU time (`OperatingSystemMXBean.getProcessCpuTime`: "
				+ "the caller, the driver, the pool, the garbage collector) and the server's CPU time (utime + stime from "
				+ "`/proc/<pid>/stat`, 10 ms ticks; n/a when the server is not on this machine): on PostgreSQL the "
				+ "server processes behind the benchmark's connections, its background processes (WAL writer, "
				+ "checkpointer) not counted; on MariaDB the whole `mariadbd` process, background threads "
				+ "included. Over the run, divided by the tasks. The CPU ratio compares the totals; medians of "
				+ "the runs. The 'database floor' uses no queue: plain JDBC on one connection inserts minimal ready "
				+ "rows into TaskQueue's table (a time-ordered id, a type, a queue, a status, times), in one statement "
				+ "of all the call's rows that commits on its own, or for 10,000 in statements of 1,000 rows in one "
				+ "transaction: what a call costs this database and machine at least, a commit (a WAL flush on "
				+ "PostgreSQL) and the rows.");
		this.database.truncate(Db.TASK_TABLE, Db.DBS_TABLE);
	}

	private static void row(Report.Table table, int perCall, String url, String system, String call, Series series) {
		table.row(Integer.toString(perCall), url, system, call, Stats.rate(series.rate()), series.rates(),
				micros(series.median(Run::jvmMicrosPerTask)), micros(series.median(Run::serverMicrosPerTask)),
				micros(series.median(Run::totalMicrosPerTask)));
	}

	private static String micros(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
	}

	private int tasks(int perCall) {
		return (perCall == 1) ? this.options.enqueueSingleTasks : this.options.enqueueBatchTasks;
	}

	private Run taskQueue(DataSource target, int perCall) {
		int tasks = tasks(perCall);
		this.database.truncate(Db.TASK_TABLE);
		this.database.checkpoint();
		TaskQueueEngine producer = TaskQueueSide.producer(target, TaskQueueSide.registry(() -> {
		}));
		try {
			TaskQueue queue = producer.queue();
			List<TaskRequest> requests = new ArrayList<>(tasks);
			for (int i = 0; i < tasks; i++) {
				requests.add(TaskRequest.of(TaskQueueSide.TYPE, null));
			}
			return timed(tasks, () -> {
				if (perCall == 1) {
					requests.forEach(queue::enqueue);
				}
				else {
					for (int from = 0; from < tasks; from += perCall) {
						queue.enqueueAll(requests.subList(from, Math.min(tasks, from + perCall)));
					}
				}
			});
		}
		finally {
			producer.stop();
		}
	}

	private Run dbScheduler(DataSource target, int perCall) {
		int tasks = tasks(perCall);
		this.database.truncate(Db.DBS_TABLE);
		this.database.checkpoint();
		OneTimeTask<Void> task = DbSchedulerSide.task(() -> {
		});
		SchedulerClient client = DbSchedulerSide.client(target, task, this.database.zonelessTimestamps());
		List<TaskInstance<?>> instances = new ArrayList<>(tasks);
		for (int i = 0; i < tasks; i++) {
			instances.add(task.instance("enqueue-" + i));
		}
		return timed(tasks, () -> {
			if (perCall == 1) {
				instances.forEach((instance) -> client.schedule(instance, Instant.now()));
			}
			else {
				for (int from = 0; from < tasks; from += perCall) {
					client.scheduleBatch(instances.subList(from, Math.min(tasks, from + perCall)), Instant.now());
				}
			}
		});
	}

	/** The floor: minimal ready rows, inserted with plain JDBC as fast as one connection can. */
	private Run floor(DataSource target, int perCall) {
		int tasks = tasks(perCall);
		this.database.truncate(Db.TASK_TABLE);
		this.database.checkpoint();
		boolean oneStatement = perCall <= FLOOR_ROWS_PER_STATEMENT;
		int rowsPerStatement = oneStatement ? perCall : FLOOR_ROWS_PER_STATEMENT;
		String sql = "INSERT INTO " + Db.TASK_TABLE
				+ " (id, type, queue, status, priority, run_at, attempts, pending_parents, created_at) VALUES "
				+ String.join(", ", Collections.nCopies(rowsPerStatement, "(?, 'floor', 'floor', 'READY', 0, ?, 0, 0, ?)"));
		try (Connection connection = target.getConnection(); PreparedStatement ps = connection.prepareStatement(sql)) {
			// The pool puts auto-commit back as it was when the connection returns
			connection.setAutoCommit(oneStatement);
			return timed(tasks, () -> {
				try {
					for (int call = 0; call < tasks / perCall; call++) {
						for (int written = 0; written < perCall; written += rowsPerStatement) {
							for (int row = 0; row < rowsPerStatement; row++) {
								setFloorRow(ps, row * 3);
							}
							ps.execute();
						}
						if (!oneStatement) {
							connection.commit();
						}
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException("The enqueue floor could not be measured", ex);
				}
			});
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The enqueue floor could not be measured", ex);
		}
	}

	private void setFloorRow(PreparedStatement ps, int before) throws SQLException {
		Timestamp now = Timestamp.from(Instant.now());
		this.dialect.setId(ps, before + 1, TaskIds.next());
		ps.setTimestamp(before + 2, now);
		ps.setTimestamp(before + 3, now);
	}

	private Run timed(int tasks, Runnable enqueue) {
		Map<Integer, Long> serverBefore = this.database.serverCpu.take();
		long cpuBefore = Probe.processCpu();
		long start = System.nanoTime();
		enqueue.run();
		double rate = tasks / ((System.nanoTime() - start) / 1e9);
		long cpuAfter = Probe.processCpu();
		Map<Integer, Long> serverAfter = this.database.serverCpu.take();
		return new Run(tasks, rate, cpuAfter - cpuBefore, BackendCpu.nanosBetween(serverBefore, serverAfter));
	}

}

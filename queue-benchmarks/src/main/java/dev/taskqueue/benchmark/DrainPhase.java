package dev.taskqueue.benchmark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Phase 1: a backlog of no-op tasks, then one node started, timed until every task is done and
 * recorded as done in the database; plus the enqueue rate of the backlog, with and without
 * pgjdbc's {@code reWriteBatchedInserts}.
 */
final class DrainPhase {

	private static final long DRAIN_TIMEOUT_MILLIS = 120_000;

	private static final String LOCK_AND_FETCH = "lock-and-fetch";

	private final Options options;

	private final Database database;

	private final DataSource dataSource;

	private final Report report;

	private final Jfr jfr;

	private final Setup setup;

	/**
	 * What to drain where.
	 * @param title the report section's title
	 * @param taskQueueConfigs TaskQueue's configurations, as concurrency x claim batch size
	 * @param dbSchedulerConfigs db-scheduler's configurations, as threads and polling strategy
	 * @param profile whether to add the statement-timed runs
	 * @param best db-scheduler's best polling strategy on the database, for the threads-matched ratio
	 */
	record Setup(String title, List<int[]> taskQueueConfigs, List<String> dbSchedulerConfigs, boolean profile,
			String best) {

		/**
		 * The configurations of the options, db-scheduler's completed with lock-and-fetch at threads
		 * matched to each TaskQueue concurrency, so that every TaskQueue row has its matched ratio.
		 */
		static Setup matched(String title, Options options, boolean profile) {
			List<String> dbScheduler = new ArrayList<>(options.dbSchedulerConfigs);
			for (int[] config : options.taskQueueConfigs) {
				String matched = config[0] + ":" + LOCK_AND_FETCH;
				if (!dbScheduler.contains(matched)) {
					dbScheduler.add(matched);
				}
			}
			return new Setup(title, options.taskQueueConfigs, dbScheduler, profile, LOCK_AND_FETCH);
		}

	}

	DrainPhase(Options options, Database database, Report report, Jfr jfr, Setup setup) {
		this.options = options;
		this.database = database;
		this.dataSource = database.dataSource();
		this.report = report;
		this.jfr = jfr;
		this.setup = setup;
	}

	/** One timed drain. Rates are NaN when the run did not finish. */
	record Run(double enqueueRate, double handlersRate, double rate, int invocations, Probe.Delta profile,
			long claims, long completionWrites) {
	}

	void run() {
		int tasks = this.options.drainTasks;
		Report.Section section = this.report.section(this.setup.title() + ": "
				+ String.format(Locale.ROOT, "%,d", tasks) + " no-op tasks on one node (" + this.database.name + ")",
				"A backlog of no-op tasks is enqueued first, then one node starts; the rate is tasks / (time from "
						+ "starting the node until every task is recorded as done in the database: TaskQueue rows all "
						+ "SUCCEEDED, db-scheduler table empty). Median of " + this.options.drainRepeats
						+ " runs; each configuration's runs are interleaved with the others'.");
		Map<String, List<Run>> runs = new LinkedHashMap<>();
		// One unmeasured round of each configuration warms up the JIT and the pools
		System.out.println("   (warm-up round)");
		int warmup = tasks;
		for (int[] config : this.setup.taskQueueConfigs()) {
			taskQueue(config[0], config[1], warmup);
		}
		for (String config : this.setup.dbSchedulerConfigs()) {
			dbScheduler(config, warmup);
		}
		for (int repeat = 1; repeat <= this.options.drainRepeats; repeat++) {
			for (int[] config : this.setup.taskQueueConfigs()) {
				Run run = this.jfr.record("drain, " + this.database.name, () -> taskQueue(config[0], config[1], tasks));
				runs.computeIfAbsent(taskQueueLabel(config), (key) -> new ArrayList<>()).add(run);
				progress("TaskQueue " + taskQueueLabel(config), repeat, run);
			}
			for (String config : this.setup.dbSchedulerConfigs()) {
				Run run = dbScheduler(config, tasks);
				runs.computeIfAbsent(dbSchedulerLabel(config), (key) -> new ArrayList<>()).add(run);
				progress("db-scheduler " + dbSchedulerLabel(config), repeat, run);
			}
		}
		Report.Table table = section.table("Drain rate (tasks/s, higher is better)", "System", "Configuration",
				"Median tasks/s", "Runs (tasks/s)", "Handlers done (tasks/s)", "Claims / completion writes", "JVM CPU s / machine busy", "Busiest JVM threads (CPU)");
		List<Double> taskQueueMedians = new ArrayList<>();
		List<Double> dbSchedulerMedians = new ArrayList<>();
		runs.forEach((label, list) -> {
			boolean taskQueue = label.startsWith("concurrency");
			double median = Stats.median(list, Run::rate);
			(taskQueue ? taskQueueMedians : dbSchedulerMedians).add(median);
			Run typical = closestTo(list, median);
			table.row(taskQueue ? "TaskQueue" : "db-scheduler", label, Stats.rate(median),
					list.stream().map((run) -> Stats.rate(run.rate())).collect(Collectors.joining(" / ")),
					Stats.rate(Stats.median(list, Run::handlersRate)),
					taskQueue ? typical.claims() + " / " + typical.completionWrites() : "n/a",
					String.format(Locale.ROOT, "%.2f / %.0f%%", typical.profile().jvmCpuSeconds(),
							typical.profile().machineBusyShare() * 100),
					typical.profile().threadSummary());
		});
		List<String> taskQueueLabels = List.copyOf(runs.keySet()).subList(0, taskQueueMedians.size());
		List<String> dbSchedulerLabels = List.copyOf(runs.keySet()).subList(taskQueueMedians.size(), runs.size());
		List<String> columns = new ArrayList<>(List.of("TaskQueue configuration", "TaskQueue tasks/s",
				"vs db-scheduler " + this.setup.best() + ", threads matched"));
		dbSchedulerLabels.forEach((label) -> columns.add("vs db-scheduler " + label));
		Report.Table ratios = section.table("Drain ratio TaskQueue / db-scheduler (higher is better for TaskQueue; "
				+ "db-scheduler medians: " + String.join(", ", dbSchedulerMedians.stream().map(Stats::rate).toList())
				+ " tasks/s)", columns.toArray(String[]::new));
		for (int i = 0; i < taskQueueMedians.size(); i++) {
			List<String> cells = new ArrayList<>(List.of(taskQueueLabels.get(i), Stats.rate(taskQueueMedians.get(i))));
			int matched = dbSchedulerLabels
				.indexOf(dbSchedulerLabel(this.setup.taskQueueConfigs().get(i)[0] + ":" + this.setup.best()));
			cells.add((matched >= 0) ? Stats.ratio(taskQueueMedians.get(i) / dbSchedulerMedians.get(matched)) : "n/a");
			for (double dbScheduler : dbSchedulerMedians) {
				cells.add(Stats.ratio(taskQueueMedians.get(i) / dbScheduler));
			}
			ratios.row(cells.toArray(String[]::new));
		}
		section.note("Configurations: TaskQueue `concurrency x batch` are the engine's `concurrency` (worker "
				+ "threads) and `batchSize` (most tasks per claim); the defaults are 10 x 100, completion batch 500, "
				+ "poll interval 1 s. db-scheduler `default` is its default polling (fetch, then lock each "
				+ "execution on its own; 10 s poll interval); `lock-and-fetch` is its single-statement "
				+ "`UPDATE ... FOR UPDATE SKIP LOCKED ... RETURNING` polling (`pollUsingLockAndFetch(0.5, 1.0)`) "
				+ "with `enableImmediateExecution()`, the settings its documentation gives for throughput, with "
				+ "threads matched to each TaskQueue concurrency and at 20 (db-scheduler at its best here). "
				+ "On MariaDB, db-scheduler 16.12 refuses lock-and-fetch (its MariaDB customization declares no "
				+ "support for it), so its best there is `fetch`: its default polling (fetch, then lock each "
				+ "execution) with `enableImmediateExecution()`. "
				+ "'Handlers done' stops the clock at the last handler invocation instead. 'Claims / completion "
				+ "writes' count distinct claim and completion timestamps in the task table (run closest to the "
				+ "median), as do the CPU columns. 'Machine busy' is the share of both cores busy during the run "
				+ "(JVM + PostgreSQL + anything else).");
		if (this.options.enqueueRates) {
			enqueue(section);
		}
		if (this.setup.profile()) {
			profile(section);
		}
	}

	/**
	 * One more drain of each configuration with every statement the node runs timed from the client:
	 * where the node's time in the database goes. Not part of the rates above (the timing adds a little
	 * overhead).
	 */
	private void profile(Report.Section section) {
		int tasks = this.options.drainTasks;
		SqlTimer timer = new SqlTimer();
		DataSource timed = timer.wrap(this.dataSource);
		Report.Table summary = section.table("Transactions and statement time per 1,000 tasks in the profiled "
				+ "drains (client-side counts: commits plus auto-commit statements)", "Configuration", "Tasks/s",
				"Transactions / 1k tasks", "Statements / 1k tasks", "Statement ms / 1k tasks");
		Report.Table table = section.table("Where the node's database time goes: one extra, profiled drain per "
				+ "configuration (client-side time per statement, round trip included; top statements)",
				"Configuration", "Thread", "Statement", "Calls", "Total ms", "ms / call", "Tasks / call");
		List<String> labels = new ArrayList<>();
		List<java.util.function.Supplier<Run>> drains = new ArrayList<>();
		for (int[] config : this.setup.taskQueueConfigs()) {
			labels.add("TaskQueue " + taskQueueLabel(config));
			drains.add(() -> taskQueue(config[0], config[1], tasks, timed));
		}
		// The configured ones only: the matched extras add run time, not another shape of statement
		for (String config : this.options.dbSchedulerConfigs) {
			labels.add("db-scheduler " + dbSchedulerLabel(config));
			drains.add(() -> dbScheduler(config, tasks, timed));
		}
		for (int i = 0; i < drains.size(); i++) {
			timer.reset();
			Run run = drains.get(i).get();
			List<SqlTimer.Line> lines = timer.lines();
			double total = lines.stream().mapToDouble(SqlTimer.Line::totalMillis).sum();
			long statements = lines.stream()
				.filter((line) -> !line.key().endsWith("| COMMIT") && !line.key().endsWith("| ROLLBACK"))
				.mapToLong(SqlTimer.Line::count)
				.sum();
			summary.row(labels.get(i), Stats.rate(run.rate()),
					String.format(Locale.ROOT, "%.0f", timer.transactions() * 1000.0 / tasks),
					String.format(Locale.ROOT, "%.0f", statements * 1000.0 / tasks),
					String.format(Locale.ROOT, "%.0f", total * 1000.0 / tasks));
			System.out.printf(Locale.ROOT, "   profiled %s: %.0f ms in statements%n", labels.get(i), total);
			for (SqlTimer.Line line : lines.subList(0, Math.min(6, lines.size()))) {
				String[] parts = line.key().split(" \\| ", 2);
				table.row(labels.get(i), parts[0], "`" + parts[1].replace("|", "/") + "`", Long.toString(line.count()),
						String.format(Locale.ROOT, "%.0f", line.totalMillis()),
						String.format(Locale.ROOT, "%.2f", line.totalMillis() / line.count()),
						String.format(Locale.ROOT, "%.1f", (double) tasks / line.count()));
			}
		}
		this.database.truncate(Db.TASK_TABLE, Db.DBS_TABLE);
	}

	private void progress(String label, int repeat, Run run) {
		System.out.printf(Locale.ROOT, "   run %d %-40s drain %8s tasks/s (handlers %8s/s), enqueue %8s tasks/s, "
				+ "%d invocations, %s%n", repeat, label, Stats.rate(run.rate()), Stats.rate(run.handlersRate()),
				Stats.rate(run.enqueueRate()), run.invocations(), run.profile().threadSummary());
		if (run.invocations() != this.options.drainTasks) {
			System.out.println("   WARNING: " + run.invocations() + " handler invocations for "
					+ this.options.drainTasks + " tasks");
		}
	}

	static String taskQueueLabel(int[] config) {
		String label = "concurrency " + config[0] + " x batch " + config[1];
		return (config[0] == 10 && config[1] == 100) ? label + " (defaults)" : label + " (tuned)";
	}

	static String dbSchedulerLabel(String config) {
		String[] parts = config.split(":");
		return parts[0] + " threads, " + parts[1] + " polling" + (parts[1].equals("default") ? "" : ", immediate execution");
	}

	/** Enqueue rates: TaskQueue's enqueueAll and db-scheduler's scheduleBatch, plain and rewritten. */
	private void enqueue(Report.Section section) {
		int tasks = this.options.drainTasks;
		Report.Table table = section.table("Enqueue rate of the " + String.format(Locale.ROOT, "%,d", tasks)
				+ "-task backlog (tasks/s, higher is better; " + this.options.enqueueChunk + " tasks per call)",
				"System", "Call", this.database.urlColumn(), "Median tasks/s", "Runs (tasks/s)");
		Report.Table ratios = section.table("Enqueue ratio TaskQueue / db-scheduler", this.database.urlColumn(),
				"Ratio", "TaskQueue this URL / plain");
		double plain = Double.NaN;
		for (Map.Entry<String, ? extends DataSource> variant : this.database.variants().entrySet()) {
			List<Double> taskQueue = new ArrayList<>();
			List<Double> dbScheduler = new ArrayList<>();
			for (int repeat = 0; repeat < this.options.drainRepeats; repeat++) {
				this.database.truncate(Db.TASK_TABLE);
				taskQueue.add(enqueueTaskQueue(variant.getValue(), tasks));
				this.database.truncate(Db.DBS_TABLE);
				dbScheduler.add(enqueueDbScheduler(variant.getValue(), tasks));
			}
			String url = variant.getKey();
			double taskQueueMedian = new Stats(taskQueue).median();
			double dbSchedulerMedian = new Stats(dbScheduler).median();
			plain = Double.isNaN(plain) ? taskQueueMedian : plain;
			table.row("TaskQueue", "enqueueAll", url, Stats.rate(taskQueueMedian), joined(taskQueue));
			table.row("db-scheduler", "scheduleBatch", url, Stats.rate(dbSchedulerMedian), joined(dbScheduler));
			ratios.row(url, Stats.ratio(taskQueueMedian / dbSchedulerMedian), Stats.ratio(taskQueueMedian / plain));
		}
		this.database.truncate(Db.TASK_TABLE, Db.DBS_TABLE);
	}

	private static String joined(List<Double> rates) {
		return rates.stream().map(Stats::rate).collect(Collectors.joining(" / "));
	}

	private double enqueueTaskQueue(DataSource target, int tasks) {
		return enqueueTaskQueue(target, TaskQueueSide.registry(() -> {
		}), tasks);
	}

	private double enqueueDbScheduler(DataSource target, int tasks) {
		OneTimeTask<Void> task = DbSchedulerSide.task(() -> {
		});
		SchedulerClient client = DbSchedulerSide.client(target, task, this.database.zonelessTimestamps());
		String run = Long.toString(System.nanoTime(), 36);
		List<TaskInstance<?>> instances = new ArrayList<>(tasks);
		for (int i = 0; i < tasks; i++) {
			instances.add(task.instance(run + "-" + i));
		}
		long start = System.nanoTime();
		for (int from = 0; from < tasks; from += this.options.enqueueChunk) {
			client.scheduleBatch(instances.subList(from, Math.min(tasks, from + this.options.enqueueChunk)),
					Instant.now());
		}
		return tasks / ((System.nanoTime() - start) / 1e9);
	}

	private Run taskQueue(int concurrency, int batchSize, int tasks) {
		return taskQueue(concurrency, batchSize, tasks, this.dataSource);
	}

	private Run taskQueue(int concurrency, int batchSize, int tasks, DataSource nodeDataSource) {
		this.database.truncate(Db.TASK_TABLE);
		return taskQueueOnTable(concurrency, batchSize, tasks, nodeDataSource);
	}

	/**
	 * A drain on the task table as earlier runs left it, whose worker node uses the given DataSource
	 * (the backlog and the checks use the plain one). Claims and completion writes count the whole
	 * table.
	 */
	Run taskQueueOnTable(int concurrency, int batchSize, int tasks, DataSource nodeDataSource) {
		CountDownLatch done = new CountDownLatch(tasks);
		AtomicInteger invocations = new AtomicInteger();
		TaskTypeRegistry registry = TaskQueueSide.registry(() -> {
			invocations.incrementAndGet();
			done.countDown();
		});
		double enqueueRate = enqueueTaskQueue(this.dataSource, registry, tasks);
		this.database.settle(Db.TASK_TABLE);
		TaskQueueEngine node = TaskQueueSide.engine(nodeDataSource, registry, "bench-node")
			.concurrency(concurrency)
			.batchSize(batchSize)
			.build();
		Drained drained = drain(node::start, node::stop, done, tasks,
				"SELECT count(*) FROM " + Db.TASK_TABLE + " WHERE status <> 'SUCCEEDED'");
		long claims = Db.queryLong(this.dataSource, "SELECT count(DISTINCT started_at) FROM " + Db.TASK_TABLE);
		long writes = Db.queryLong(this.dataSource, "SELECT count(DISTINCT finished_at) FROM " + Db.TASK_TABLE);
		return new Run(enqueueRate, drained.handlersRate(), drained.rate(), invocations.get(), drained.profile(), claims,
				writes);
	}

	private double enqueueTaskQueue(DataSource target, TaskTypeRegistry registry, int tasks) {
		TaskQueueEngine producer = TaskQueueSide.producer(target, registry);
		try {
			List<TaskRequest> requests = new ArrayList<>(tasks);
			for (int i = 0; i < tasks; i++) {
				requests.add(TaskRequest.of(TaskQueueSide.TYPE, null));
			}
			long start = System.nanoTime();
			for (int from = 0; from < tasks; from += this.options.enqueueChunk) {
				producer.queue().enqueueAll(requests.subList(from, Math.min(tasks, from + this.options.enqueueChunk)));
			}
			return tasks / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			producer.stop();
		}
	}

	private Run dbScheduler(String config, int tasks) {
		return dbScheduler(config, tasks, this.dataSource);
	}

	private Run dbScheduler(String config, int tasks, DataSource nodeDataSource) {
		this.database.truncate(Db.DBS_TABLE);
		return dbSchedulerOnTable(config, tasks, nodeDataSource);
	}

	/** A drain on db-scheduler's table as earlier runs left it (empty, unless a run failed). */
	Run dbSchedulerOnTable(String config, int tasks, DataSource nodeDataSource) {
		String[] parts = config.split(":");
		CountDownLatch done = new CountDownLatch(tasks);
		AtomicInteger invocations = new AtomicInteger();
		OneTimeTask<Void> task = DbSchedulerSide.task(() -> {
			invocations.incrementAndGet();
			done.countDown();
		});
		SchedulerClient client = DbSchedulerSide.client(this.dataSource, task, this.database.zonelessTimestamps());
		List<TaskInstance<?>> instances = new ArrayList<>(tasks);
		for (int i = 0; i < tasks; i++) {
			instances.add(task.instance("drain-" + i));
		}
		long enqueueStart = System.nanoTime();
		for (int from = 0; from < tasks; from += this.options.enqueueChunk) {
			client.scheduleBatch(instances.subList(from, Math.min(tasks, from + this.options.enqueueChunk)),
					Instant.now());
		}
		double enqueueRate = tasks / ((System.nanoTime() - enqueueStart) / 1e9);
		this.database.settle(Db.DBS_TABLE);
		Scheduler scheduler = DbSchedulerSide
			.scheduler(nodeDataSource, task, Integer.parseInt(parts[0]), parts[1], this.database.zonelessTimestamps())
			.build();
		Drained drained = drain(scheduler::start, scheduler::stop, done, tasks, "SELECT count(*) FROM " + Db.DBS_TABLE);
		return new Run(enqueueRate, drained.handlersRate(), drained.rate(), invocations.get(), drained.profile(), -1,
				-1);
	}

	/**
	 * Start a node on a waiting backlog and time it: until every handler ran, and until the
	 * database shows every task done.
	 */
	private Drained drain(Runnable start, Runnable stop, CountDownLatch done, int tasks, String remainingQuery) {
		Probe before = Probe.take();
		long started = System.nanoTime();
		start.run();
		double handlersRate = Double.NaN;
		double rate = Double.NaN;
		Probe after;
		try {
			if (Db.await(done, DRAIN_TIMEOUT_MILLIS)) {
				handlersRate = tasks / ((System.nanoTime() - started) / 1e9);
				if (Db.await(() -> Db.queryLong(this.dataSource, remainingQuery) == 0, DRAIN_TIMEOUT_MILLIS, 2)) {
					rate = tasks / ((System.nanoTime() - started) / 1e9);
				}
			}
			after = Probe.take();
		}
		finally {
			stop.run();
		}
		return new Drained(handlersRate, rate, after.since(before));
	}

	private record Drained(double handlersRate, double rate, Probe.Delta profile) {
	}



	private static Run closestTo(List<Run> runs, double median) {
		Run closest = runs.get(0);
		for (Run run : runs) {
			if (Math.abs(run.rate() - median) < Math.abs(closest.rate() - median)) {
				closest = run;
			}
		}
		return closest;
	}

}

package dev.taskqueue.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to run and against which database. Each option is read, in order of precedence, from a
 * {@code --name=value} argument, a {@code bench.name} system property (so {@code -Dbench.phases=claim}
 * works on the Maven command line), then for the connections the {@code TASKQUEUE_PG_*} and
 * {@code TASKQUEUE_MARIADB_*} environment variables, then the default.
 */
final class Options {

	static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

	/** Every phase, in the order they run. */
	static final List<String> ALL_PHASES = List.of("drain", "enqueue", "snapshot", "steady", "latency", "claim",
			"flows", "schedules", "retention", "dashboard", "http", "mariadb");

	final String url;

	final String user;

	final String password;

	final String mariaDbUrl;

	final String mariaDbUser;

	final String mariaDbPassword;

	final Set<String> phases;

	/** Tasks in each drain backlog. */
	final int drainTasks;

	/** Measured repetitions of each drain configuration. */
	final int drainRepeats;

	/** Requests per {@code enqueueAll} / {@code scheduleBatch} call. */
	final int enqueueChunk;

	/** TaskQueue drain configurations, as concurrency x claim batch size. */
	final List<int[]> taskQueueConfigs;

	/** db-scheduler drain configurations, as threads and polling strategy. */
	final List<String> dbSchedulerConfigs;

	/** Tasks enqueued one call at a time in the enqueue phase. */
	final int enqueueSingleTasks;

	/** Tasks enqueued in calls of 10 and of 10,000 in the enqueue phase (at least one call's worth). */
	final int enqueueBatchTasks;

	/** Measured repetitions of each enqueue run. */
	final int enqueueRepeats;

	/** Back-to-back drains in each series of the held-snapshot phase. */
	final int snapshotDrains;

	/** Tasks in each drain of the held-snapshot phase. */
	final int snapshotTasks;

	/** TaskQueue's configuration in the held-snapshot phase, as concurrency x claim batch size. */
	final int[] snapshotTaskQueueConfig;

	/** db-scheduler's configuration in the held-snapshot phase, as threads and polling strategy. */
	final String snapshotDbSchedulerConfig;

	/** The server's autovacuum setting for each series pair of the held-snapshot phase, in order. */
	final List<Boolean> snapshotAutovacuum;

	/** Worker slots (TaskQueue concurrency, db-scheduler threads) of each steady-phase cell. */
	final List<Integer> steadyWorkers;

	/** Ready jobs the steady phase's producers keep waiting. */
	final int steadyReady;

	/** Jobs per enqueue call of the steady phase's producers. */
	final int steadyBatch;

	/** Measured seconds of each steady-phase cell, after its warm-up. */
	final int steadySeconds;

	/** Unmeasured seconds at the start of each steady-phase cell. */
	final int steadyWarmupSeconds;

	/** Seconds per point of the steady phase's rate series. */
	final int steadyStepSeconds;

	/** Whether the steady phase runs db-scheduler's cells too, or TaskQueue's alone for a closer look. */
	final boolean steadyPeer;

	/** Where to write JFR recordings of TaskQueue's drain and enqueue runs, or {@code null} for none. */
	final Path jfr;

	/** The settings given explicitly, by name, as given (the password left out). */
	final Map<String, String> given;

	/** Whether to add the profiled runs (statement timings). */
	final boolean profile;

	/** Whether to measure enqueue rates plain and with reWriteBatchedInserts. */
	final boolean enqueueRates;

	final int latencySamples;

	final int latencyWarmup;

	/** Samples of db-scheduler's pickup with its default 10 s polling: each one takes ~5 s. */
	final int pollingSamples;

	final int claimSamples;

	final int claimBacklog;

	final int claimSize;

	/** Tasks in the chain of the flows phase, each after the previous one. */
	final int flowsChain;

	/** Tasks in the job of the flows phase. */
	final int flowsJobTasks;

	/** Tasks the job's planner adds per run. */
	final int flowsChunk;

	/** Measured repetitions of each flows run. */
	final int flowsRepeats;

	/** Finished tasks in the task table, analyzed, when each flows run starts; 0 for empty tables. */
	final int flowsHistory;

	/** Schedules firing every minute in the schedules phase. */
	final int schedulesCount;

	/** Minute slots measured in the schedules phase. */
	final int schedulesMinutes;

	/** Old finished tasks that retention deletes while the retention phase drains. */
	final int retentionOld;

	/** Tasks in each drain backlog of the retention phase. */
	final int retentionTasks;

	/** Measured drains of the retention phase, with retention and without. */
	final int retentionRepeats;

	/** Finished tasks in the table of the dashboard phase. */
	final int dashboardFinished;

	/** Ready tasks in the table of the dashboard phase. */
	final int dashboardReady;

	/** Measured reads of each kind in the dashboard phase. */
	final int dashboardRepeats;

	/** Tasks per run of the http phase against the target that answers at once, and of no-op tasks. */
	final int httpTasks;

	/** Tasks per run of the http phase against the target that answers after 50 ms. */
	final int httpSlowTasks;

	/** Where to write the Markdown report, or {@code null} not to write one. */
	final Path report;

	private Options(Map<String, String> args) {
		Reader in = new Reader(args);
		this.url = in.get("url", env("TASKQUEUE_PG_URL", DEFAULT_URL));
		this.user = in.get("user", env("TASKQUEUE_PG_USER", "postgres"));
		this.password = in.get("password", env("TASKQUEUE_PG_PASSWORD", ""));
		this.mariaDbUrl = in.get("mariadb.url", env("TASKQUEUE_MARIADB_URL", DEFAULT_MARIADB_URL));
		this.mariaDbUser = in.get("mariadb.user", env("TASKQUEUE_MARIADB_USER", "root"));
		this.mariaDbPassword = in.get("mariadb.password", env("TASKQUEUE_MARIADB_PASSWORD", ""));
		Set<String> phases = new LinkedHashSet<>();
		for (String phase : in.get("phases", "all").split(",")) {
			String name = phase.trim().toLowerCase(Locale.ROOT);
			if (name.equals("all")) {
				phases.addAll(ALL_PHASES);
			}
			else if (!name.isEmpty()) {
				if (!ALL_PHASES.contains(name)) {
					throw new IllegalArgumentException(
							"Unknown phase '" + name + "'; phases: " + String.join(", ", ALL_PHASES));
				}
				phases.add(name);
			}
		}
		// Run in the documented order, whatever order they were named in
		this.phases = new LinkedHashSet<>(ALL_PHASES.stream().filter(phases::contains).toList());
		boolean quick = Boolean.parseBoolean(in.get("quick", "false"));
		this.drainTasks = in.getInt("drain.tasks", quick ? 2_000 : 10_000);
		this.drainRepeats = in.getInt("drain.repeats", quick ? 1 : 3);
		this.enqueueChunk = in.getInt("enqueue.chunk", 1_000);
		this.taskQueueConfigs = new ArrayList<>();
		for (String config : in.get("tq.configs", "10x100,32x100,64x200").split(",")) {
			this.taskQueueConfigs.add(taskQueueConfig(config));
		}
		this.dbSchedulerConfigs = List
			.of(in.get("dbs.configs", "10:default,10:lock-and-fetch,20:lock-and-fetch").split(","))
			.stream()
			.map(String::trim)
			.filter((config) -> !config.isEmpty())
			.toList();
		// Long enough that what a run pays once (new backends, plans, cache warm-up) weighs
		// little on the CPU per task, which is read in 10 ms ticks per server process
		this.enqueueSingleTasks = in.getInt("enqueue.single", quick ? 500 : 20_000);
		this.enqueueBatchTasks = Math.max(10_000, in.getInt("enqueue.tasks", quick ? 10_000 : 100_000));
		this.enqueueRepeats = in.getInt("enqueue.repeats", quick ? 1 : 3);
		this.snapshotDrains = in.getInt("snapshot.drains", 5);
		this.snapshotTasks = in.getInt("snapshot.tasks", quick ? 2_000 : 10_000);
		this.snapshotTaskQueueConfig = taskQueueConfig(in.get("snapshot.tq", "10x100"));
		this.snapshotDbSchedulerConfig = in.get("snapshot.dbs", "20:lock-and-fetch").trim();
		this.snapshotAutovacuum = List.of(in.get("snapshot.autovacuum", "off,on").split(","))
			.stream()
			.map((value) -> value.trim().equalsIgnoreCase("on"))
			.toList();
		this.steadyWorkers = List.of(in.get("steady.workers", "16,64").split(","))
			.stream()
			.map((value) -> Integer.valueOf(value.trim()))
			.toList();
		this.steadyReady = in.getInt("steady.ready", 4_000);
		this.steadyBatch = in.getInt("steady.batch", 200);
		this.steadySeconds = in.getInt("steady.seconds", quick ? 20 : 100);
		this.steadyWarmupSeconds = in.getInt("steady.warmup", quick ? 5 : 20);
		this.steadyStepSeconds = in.getInt("steady.step", 5);
		this.steadyPeer = Boolean.parseBoolean(in.get("steady.peer", "true"));
		String jfr = in.get("jfr", null);
		this.jfr = (jfr != null) ? Path.of(jfr) : null;
		this.profile = Boolean.parseBoolean(in.get("profile", "true"));
		this.enqueueRates = Boolean.parseBoolean(in.get("enqueue", "true"));
		this.latencySamples = in.getInt("latency.samples", quick ? 50 : 200);
		this.latencyWarmup = in.getInt("latency.warmup", quick ? 10 : 30);
		this.pollingSamples = in.getInt("latency.polling-samples", quick ? 2 : 10);
		this.claimSamples = in.getInt("claim.samples", quick ? 20 : 200);
		this.claimBacklog = in.getInt("claim.backlog", quick ? 100_000 : 1_000_000);
		this.claimSize = in.getInt("claim.size", 100);
		this.flowsChain = in.getInt("flows.chain", 1_000);
		this.flowsJobTasks = in.getInt("flows.job", 10_000);
		this.flowsChunk = in.getInt("flows.chunk", 500);
		this.flowsRepeats = in.getInt("flows.repeats", quick ? 1 : 3);
		this.flowsHistory = in.getInt("flows.history", 10_000);
		this.schedulesCount = in.getInt("schedules.count", quick ? 500 : 10_000);
		this.schedulesMinutes = in.getInt("schedules.minutes", quick ? 2 : 3);
		this.retentionOld = in.getInt("retention.old", quick ? 50_000 : 1_000_000);
		this.retentionTasks = in.getInt("retention.tasks", quick ? 100_000 : 500_000);
		this.retentionRepeats = in.getInt("retention.repeats", quick ? 1 : 3);
		this.dashboardFinished = in.getInt("dashboard.finished", quick ? 100_000 : 1_000_000);
		this.dashboardReady = in.getInt("dashboard.ready", quick ? 10_000 : 100_000);
		this.dashboardRepeats = in.getInt("dashboard.repeats", quick ? 5 : 20);
		this.httpTasks = in.getInt("http.tasks", quick ? 2_000 : 10_000);
		this.httpSlowTasks = in.getInt("http.slow-tasks", quick ? 500 : 2_000);
		String report = in.get("report", null);
		if (report == null) {
			// Only a full run rewrites the report; a partial one just prints
			this.report = this.phases.containsAll(ALL_PHASES) && !quick && this.steadyPeer ? defaultReport() : null;
		}
		else {
			this.report = report.equalsIgnoreCase("none") ? null : Path.of(report);
		}
		this.given = in.given();
	}

	private static int[] taskQueueConfig(String config) {
		String[] parts = config.trim().split("x");
		return new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
	}

	static Options parse(String[] args) {
		Map<String, String> values = new HashMap<>();
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h")) {
				values.put("help", "true");
				continue;
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'; use --name=value");
			}
			int equals = arg.indexOf('=');
			if (equals < 0) {
				values.put(arg.substring(2), "true");
			}
			else {
				values.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
		}
		return new Options(values);
	}

	static String usage() {
		return """
				Options (--name=value argument, or -Dbench.name=value system property):
				  url, user, password   JDBC connection (default %s, postgres, no password;
				                        env TASKQUEUE_PG_URL / TASKQUEUE_PG_USER / TASKQUEUE_PG_PASSWORD)
				  mariadb.url, mariadb.user, mariadb.password
				                        MariaDB for the mariadb phase (default %s, root, no
				                        password; env TASKQUEUE_MARIADB_URL / _USER / _PASSWORD)
				  phases                comma-separated: drain, enqueue, snapshot, steady, latency, claim,
				                        flows, schedules, retention, dashboard, http, mariadb (default: all)
				  jfr                   directory for JFR recordings of TaskQueue's drain and enqueue runs
				                        (default: none); their hot methods are added to the report
				  quick                 smaller sizes, for a smoke test
				  report                Markdown file to write, or 'none' (default: BENCHMARKS.md at
				                        the repository root, on a full run only)
				  drain.tasks, drain.repeats, enqueue.chunk, tq.configs (default 10x100,32x100,64x200),
				  dbs.configs (default 10:default,10:lock-and-fetch,20:lock-and-fetch),
				  enqueue.single (tasks enqueued one per call, default 20000), enqueue.tasks (tasks
				  enqueued 10 and 10000 per call, default 100000), enqueue.repeats,
				  snapshot.drains (default 5), snapshot.tasks (default 10000), snapshot.tq (default
				  10x100), snapshot.dbs (default 20:lock-and-fetch), snapshot.autovacuum (default off,on),
				  steady.workers (default 16,64), steady.ready (default 4000), steady.batch (default 200),
				  steady.seconds (measured, default 100), steady.warmup (default 20), steady.step (seconds
				  per point of the rate series, default 5), steady.peer (false runs TaskQueue's cells
				  alone, default true), latency.samples, latency.warmup,
				  latency.polling-samples, claim.samples, claim.backlog, claim.size,
				  flows.chain (default 1000), flows.job (default 10000), flows.chunk (default 500),
				  flows.repeats, flows.history (finished tasks in the table, default 10000), schedules.count
				  (schedules firing every minute, default 10000), schedules.minutes (minute slots measured,
				  default 3), retention.old (old finished tasks to delete, default 1000000), retention.tasks
				  (drain backlog, default 500000), retention.repeats (default 3), dashboard.finished (default
				  1000000), dashboard.ready (default 100000), dashboard.repeats (default 20),
				  http.tasks (tasks to the target that answers at once, and no-op tasks, default 10000),
				  http.slow-tasks (tasks to the target that answers after 50 ms, default 2000), profile (statement-timed
				  extra runs, default true), enqueue (the drain
				  phase's backlog enqueue rates, default true)
				""".formatted(DEFAULT_URL, DEFAULT_MARIADB_URL);
	}

	private static Path defaultReport() {
		String root = System.getProperty("maven.multiModuleProjectDirectory");
		return Path.of((root != null) ? root : System.getProperty("user.dir"), "BENCHMARKS.md");
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

	private static final class Reader {

		private final Map<String, String> args;

		private final Map<String, String> given = new TreeMap<>();

		Reader(Map<String, String> args) {
			this.args = args;
		}

		String get(String name, String fallback) {
			String value = this.args.get(name);
			if (value == null) {
				value = System.getProperty("bench." + name);
			}
			// Where files go changes no result, and a password is nobody's business
			if (value != null && !name.endsWith("password")) {
				this.given.put(name, name.equals("report") || name.equals("jfr") ? "(a path)" : value);
			}
			return (value != null) ? value : fallback;
		}

		Map<String, String> given() {
			return Map.copyOf(this.given);
		}

		int getInt(String name, int fallback) {
			return Integer.parseInt(get(name, Integer.toString(fallback)).replace("_", ""));
		}

	}

}

package dev.taskqueue.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.github.kagkarlsson.scheduler.Scheduler;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Runs the benchmarks: TaskQueue and db-scheduler through the same phases, in the same JVM,
 * against the same PostgreSQL database (drain and enqueue again on MariaDB), and prints (and on a full run writes to
 * {@code BENCHMARKS.md}) the results.
 * <pre>
 * ./mvnw -q -B install -DskipTests &amp;&amp; ./mvnw -q -B -pl queue-benchmarks exec:java
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=claim
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=enqueue,snapshot -Dbench.quick=true
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=steady -Dbench.steady.seconds=90
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=mariadb
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=http
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=retention -Dbench.retention.old=50000
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=dashboard
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dbench.phases=drain,enqueue -Dbench.jfr=target/jfr
 * ./mvnw -q -B -pl queue-benchmarks exec:java -Dexec.args="--url=jdbc:postgresql://db:5432/bench --quick"
 * </pre>
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
			System.out.println(Options.usage());
			return;
		}
		Options options = Options.parse(args);
		Report report = new Report(System.out);
		Jfr jfr = new Jfr(options.jfr);
		long start = System.nanoTime();
		try (Database postgres = Database.postgres(options)) {
			DataSource dataSource = postgres.dataSource();
			describe(options, postgres, report);
			postgres.createSchemas();
			report.environment("Vacuum", Db.vacuumSettings(dataSource));
			try {
				DrainPhase drain = new DrainPhase(options, postgres, report, jfr,
						DrainPhase.Setup.matched("1. Drain", options, options.profile));
				phase(options, report, "drain", drain::run);
				phase(options, report, "enqueue",
						() -> new EnqueuePhase(options, postgres, report, jfr, "2. Enqueue").run());
				phase(options, report, "snapshot", () -> new SnapshotPhase(options, dataSource, drain, report).run());
				phase(options, report, "steady", () -> new SteadyPhase(options, postgres, report).run());
				phase(options, report, "latency", () -> new LatencyPhase(options, dataSource, report).run());
				phase(options, report, "claim", () -> new ClaimPhase(options, dataSource, report).run());
				phase(options, report, "flows", () -> new FlowsPhase(options, dataSource, report).run());
				phase(options, report, "schedules", () -> new SchedulesPhase(options, dataSource, report).run());
				phase(options, report, "retention", () -> new RetentionPhase(options, postgres, report).run());
				phase(options, report, "dashboard", () -> new DashboardPhase(options, dataSource, report).run());
				phase(options, report, "http", () -> new HttpPhase(options, dataSource, report).run());
			}
			finally {
				postgres.dropSchemas();
				report.environment("Vacuum after the run", "server `autovacuum = " + Autovacuum.current(dataSource)
						+ "` (phases that switch it put it back)");
			}
		}
		phase(options, report, "mariadb", () -> mariaDb(options, report, jfr));
		jfr.report(report);
		report.environment("Run time", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - start) / 1e9));
		report.printSummary();
		if (options.report != null) {
			report.write(options.report, method(options), caveats());
			System.out.println("Wrote " + options.report.getFileName());
		}
	}

	/** A phase, when selected, with its run time recorded in the report's header. */
	private static void phase(Options options, Report report, String name, Phase phase) throws Exception {
		if (options.phases.contains(name)) {
			long start = System.nanoTime();
			phase.run();
			report.environment("Phase " + name, String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - start) / 1e9));
		}
	}

	@FunctionalInterface
	private interface Phase {

		void run() throws Exception;

	}

	/** Drain and enqueue again on MariaDB, TaskQueue's defaults against db-scheduler at its best there. */
	private static void mariaDb(Options options, Report report, Jfr jfr) {
		try (Database mariaDb = Database.mariaDb(options)) {
			report.environment("MariaDB", mariaDb.version() + " (" + options.mariaDbUrl + ", mariadb-java-client "
					+ version(org.mariadb.jdbc.Driver.class) + ")");
			mariaDb.createSchemas();
			try {
				new DrainPhase(options, mariaDb, report, jfr, new DrainPhase.Setup("11. MariaDB: drain",
						List.of(new int[] { 10, 100 }), List.of("10:fetch", "20:fetch"), false, "fetch"))
					.run();
				new EnqueuePhase(options, mariaDb, report, jfr, "12. MariaDB: enqueue").run();
			}
			finally {
				mariaDb.dropSchemas();
			}
		}
	}

	private static void describe(Options options, Database postgres, Report report) {
		DataSource dataSource = postgres.dataSource();
		report.environment("Date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE) + " "
				+ ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm 'UTC'")));
		report.environment("Machine", Runtime.getRuntime().availableProcessors() + " cores" + cpuModel() + ", "
				+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + "; database, JVM and "
				+ "benchmark on the same machine");
		report.environment("PostgreSQL", Db.queryString(dataSource, "SHOW server_version") + " (shared_buffers "
				+ Db.queryString(dataSource, "SHOW shared_buffers") + ", synchronous_commit "
				+ Db.queryString(dataSource, "SHOW synchronous_commit") + ", fsync "
				+ Db.queryString(dataSource, "SHOW fsync") + ")");
		report.environment("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, "
				+ garbageCollectors());
		report.environment("Libraries", "TaskQueue queue-core (this working tree), db-scheduler "
				+ version(Scheduler.class) + ", pgjdbc " + version(org.postgresql.Driver.class) + ", HikariCP "
				+ version(HikariDataSource.class));
		report.environment("Connection", "HikariCP, " + Database.POOL_SIZE + " connections max (8 for the rewritten-insert "
				+ "pool); TaskQueue tables " + Db.PREFIX + "*, db-scheduler table " + Db.DBS_TABLE);
		report.environment("Phases", String.join(", ", options.phases));
		report.environment("Settings", options.given.isEmpty() ? "all defaults (`--help` lists them)"
				: "defaults (`--help` lists them) except " + options.given.entrySet()
					.stream()
					.map((entry) -> "`" + entry.getKey() + "=" + entry.getValue() + "`")
					.collect(Collectors.joining(", ")));
		report.environment("Durations", "steady cells " + options.steadyWarmupSeconds + " s warm-up + "
				+ options.steadySeconds + " s measured, " + options.steadyStepSeconds + " s steps; drains time out after "
				+ "120 s; JFR " + ((options.jfr != null) ? "recording TaskQueue's drain and enqueue runs" : "off"));
	}

	private static String garbageCollectors() {
		return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map(java.lang.management.GarbageCollectorMXBean::getName)
			.collect(Collectors.joining(" + "));
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> " (" + line.substring(line.indexOf(':') + 1).trim() + ")")
				.orElse("");
		}
		catch (IOException | RuntimeException ex) {
			return "";
		}
	}

	private static String version(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		if (version != null) {
			return version;
		}
		// Fall back to the jar's name, as Maven names it artifact-version.jar
		try {
			String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
			String jar = location.substring(location.lastIndexOf('/') + 1);
			return jar.replaceAll("^.*?-(\\d[^/]*)\\.jar$", "$1");
		}
		catch (RuntimeException ex) {
			return "?";
		}
	}

	private static String method(Options options) {
		String configs = options.taskQueueConfigs.stream()
			.map((config) -> config[0] + "x" + config[1])
			.collect(Collectors.joining(", "));
		return """
				Everything runs in one JVM against one PostgreSQL database (and, for the MariaDB phase, one MariaDB \
				database), TaskQueue and db-scheduler through the same phases with the same pool (HikariCP) and the \
				same JVM settings, their runs interleaved so that drift on the machine hits both. TaskQueue is driven \
				only through its public API (`TaskQueueEngine`, `TaskQueue.enqueueAll`, `JdbcTaskStore.claim`) on \
				tables created by its own schema script under the prefix `TQB_`; db-scheduler uses its documented \
				table for the database. Handlers do nothing but count, except in the steady phase (1 ms each). Drain: \
				the backlog is enqueued in calls of %d tasks by a node that only enqueues, the tables are `ANALYZE`d \
				and a `CHECKPOINT` is taken, then one worker node starts (TaskQueue configurations %s; db-scheduler \
				also at threads matched to each; the clock runs from `start()` until the database shows every task \
				done). One unmeasured warm-up round precedes the %d measured rounds. Enqueue times calls of 1, 10 and \
				10,000 tasks on emptied tables after a `CHECKPOINT`, with the JVM's process CPU time and the CPU time \
				of the database server. The held-snapshot phase runs %d back-to-back drains of %d tasks per system, \
				the tables emptied only before each series, once while another session idles in a `REPEATABLE READ` \
				transaction that has read a row and once without it, with the server's autovacuum off and on. The \
				steady phase keeps %d keyed jobs ready for %d s (after %d s of warm-up) per system and worker count, \
				with autovacuum on. Pickup latency uses `System.nanoTime()` from just before the enqueue call to the \
				first line of the handler. Claim cost times `JdbcTaskStore.claim` alone, inside a transaction that \
				is rolled back. Flows and jobs start one node with the engine's defaults per run, on emptied tables, \
				and time a chain of %d tasks from the enqueue call to its last task's success, and a job of %d tasks \
				(planned in chunks of %d, or given up front) from `startJob` until its on-success callback runs, in \
				%d rounds after a warm-up round. The retention phase drains %d tasks on one node with the engine's \
				defaults while its retention deletes old succeeded tasks (%d in the table at the start of each run, \
				the table filled again before every run), against the same drain with retention off, the two \
				interleaved, every statement timed from the client in both. CPU shares come from the JVM's thread \
				CPU times and the kernel's counters; database transactions from `pg_stat_database`. All tables are \
				dropped at the end, and the server's autovacuum setting is put back as it was.""".formatted(options.enqueueChunk, configs,
				options.drainRepeats, options.snapshotDrains, options.snapshotTasks, options.steadyReady,
				options.steadySeconds, options.steadyWarmupSeconds, options.flowsChain, options.flowsJobTasks,
				options.flowsChunk, options.flowsRepeats, options.retentionTasks, options.retentionOld);
	}

	private static String caveats() {
		return """
				This is a shared, noisy 2-core machine: PostgreSQL, the JVM under test, the benchmark's own \
				threads and whatever else runs there compete for the same two cores, so absolute numbers move by \
				10-30%% from run to run and are lower than on a machine with the database apart; the ratios against \
				db-scheduler, measured in the same run, are the steadier figure. Drain rates on 2 cores are bound by \
				CPU (JVM + PostgreSQL together), not by disk or network. PostgreSQL runs with stock settings \
				(`synchronous_commit = on`, so every commit waits for a WAL flush). A no-op handler measures the \
				queue's overhead only; real handlers change the picture. db-scheduler is a scheduler first, with a \
				row deleted per completed execution and no completion batching, so its drain is its worst case and \
				its pickup across nodes is its polling interval by design. It runs with its default polling and with \
				the settings its documentation gives for throughput (lock-and-fetch polling, immediate execution), \
				threads matched to each TaskQueue concurrency and at 20; on MariaDB, where db-scheduler 16.12 refuses \
				lock-and-fetch, with its default polling and immediate execution. The server's autovacuum setting is \
				named above: with it off, no vacuum runs on either system's tables except in the phases that switch \
				it on (steady, and the held-snapshot series marked so).""".formatted();
	}

}

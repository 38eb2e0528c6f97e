package dev.taskqueue.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.taskqueue.JobRequest;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * Phase 6: flows and jobs on one node with the engine's defaults. A chain of tasks, each after
 * the previous one, timed from the enqueue call until its last task is SUCCEEDED; and a job of
 * many no-op tasks, planned in chunks by a planner task or given up front, timed from
 * {@code startJob} until it ends, beside the same number of plain tasks.
 */
final class FlowsPhase {

	private static final long RUN_TIMEOUT_MILLIS = 120_000;

	/** The planner's task type: adds one chunk of no-op tasks per run. */
	private static final String PLANNER = "plan-chunk";

	/** The on-success callback's task type: reports that the job ended. */
	private static final String DONE = "job-done";

	/** The type of the finished tasks a run starts with: no handler runs it. */
	private static final String HISTORY = "history";

	private static final int WARMUP_CHAIN = 100;

	private static final int WARMUP_JOB = 2_000;

	private final Options options;

	private final DataSource dataSource;

	private final Report report;

	private final List<String> warnings = new ArrayList<>();

	FlowsPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
	}

	/** The planner's payload: where the next chunk starts, and the job's shape. */
	public record Plan(int next, int total, int chunk) {
	}

	/** What one node's handlers report. */
	static final class Signals {

		final AtomicInteger items = new AtomicInteger();

		final AtomicInteger plannerRuns = new AtomicInteger();

		/** When each of the planner's runs started, in nanos. */
		final List<Long> plannerStarts = Collections.synchronizedList(new ArrayList<>());

		final CountDownLatch itemsDone;

		/** When the planner's last run (the one that asks for no next run) ran, in nanos. */
		volatile long plannedAt;

		private final Map<UUID, CompletableFuture<Long>> callbacks = new ConcurrentHashMap<>();

		Signals(int expectedItems) {
			this.itemsDone = new CountDownLatch(expectedItems);
		}

		/** Completes with the time the job's on-success callback ran, in nanos. */
		CompletableFuture<Long> callback(UUID jobId) {
			return this.callbacks.computeIfAbsent(jobId, (id) -> new CompletableFuture<>());
		}

	}

	/** One chain run. Times are NaN when it did not finish. */
	record ChainRun(double totalMillis, double enqueueCallMillis, double callbackMillis, int invocations,
			Probe.Delta profile) {
	}

	/** One job run. Times are NaN when it did not finish. */
	record JobRun(double endMillis, double databaseSpanMillis, double startCallMillis, double plannedMillis,
			double plannerIntervalMillis, int invocations, Probe.Delta profile) {
	}

	private enum JobKind {

		/** A planner at the default priority: its next run queues behind the chunk it added. */
		PLANNED,

		/** A planner at priority 1: its next run is claimed ahead of the chunk it added. */
		PLANNED_AHEAD,

		UP_FRONT, PLAIN;

		boolean planned() {
			return this == PLANNED || this == PLANNED_AHEAD;
		}

	}

	void run() {
		int links = this.options.flowsChain;
		int tasks = this.options.flowsJobTasks;
		int chunk = this.options.flowsChunk;
		int repeats = this.options.flowsRepeats;
		Report.Section section = this.report.section("6. Flows and jobs on one node",
				"One node with the engine's defaults (concurrency 10, claims of up to 100 tasks but no more than "
						+ "the free slots, poll interval 1 s), no-op handlers, started anew for each run on tables "
						+ "holding " + tablesLabel(this.options.flowsHistory) + " (a queue in use; the profile "
						+ "below compares empty tables). A chain of " + count(links) + " tasks, each `after` the previous one, enqueued in "
						+ "one call, timed from the start of the call until the last task is SUCCEEDED "
						+ "(`whenFinished` of the last task, completed as its outcome is written); and a job of "
						+ count(tasks) + " no-op tasks timed from the start of `startJob` until its on-success "
						+ "callback runs. Median of " + repeats + " runs, the variants interleaved, after one "
						+ "unmeasured warm-up round of smaller runs. db-scheduler has no dependencies between tasks "
						+ "and no jobs, so this phase has no peer comparison.");
		System.out.println("   (warm-up round)");
		chain(false, WARMUP_CHAIN, this.dataSource);
		chain(true, WARMUP_CHAIN, this.dataSource);
		job(JobKind.PLANNED, WARMUP_JOB, chunk, this.dataSource);
		job(JobKind.PLANNED_AHEAD, WARMUP_JOB, chunk, this.dataSource);
		job(JobKind.UP_FRONT, WARMUP_JOB, chunk, this.dataSource);
		job(JobKind.PLAIN, WARMUP_JOB, chunk, this.dataSource);
		this.warnings.clear();
		Map<String, List<ChainRun>> chains = new LinkedHashMap<>();
		Map<JobKind, List<JobRun>> jobs = new LinkedHashMap<>();
		for (int repeat = 1; repeat <= repeats; repeat++) {
			for (boolean asJob : new boolean[] { false, true }) {
				ChainRun run = chain(asJob, links, this.dataSource);
				chains.computeIfAbsent(chainLabel(asJob), (key) -> new ArrayList<>()).add(run);
				System.out.printf(Locale.ROOT, "   run %d chain %-28s %8s ms (%s ms per link), enqueue call %s ms, "
						+ "%d invocations, %s%n", repeat, chainLabel(asJob), Stats.millis(run.totalMillis()),
						Stats.millis(run.totalMillis() / links), Stats.millis(run.enqueueCallMillis()),
						run.invocations(), run.profile().threadSummary());
			}
			for (JobKind kind : JobKind.values()) {
				JobRun run = job(kind, tasks, chunk, this.dataSource);
				jobs.computeIfAbsent(kind, (key) -> new ArrayList<>()).add(run);
				System.out.printf(Locale.ROOT, "   run %d %-48s %8s ms (%s tasks/s), database span %s ms, start "
						+ "call %s ms, planner every %s ms, %d invocations, %s%n", repeat, jobLabel(kind, tasks, chunk),
						Stats.millis(run.endMillis()), Stats.rate(tasks / (run.endMillis() / 1e3)),
						Stats.millis(run.databaseSpanMillis()), Stats.millis(run.startCallMillis()),
						Stats.millis(run.plannerIntervalMillis()), run.invocations(), run.profile().threadSummary());
			}
		}

		Report.Table chainTable = section.table("Chain of " + count(links) + " tasks, each after the previous one "
				+ "(ms, lower is better)", "Enqueued as", "Median until last SUCCEEDED", "ms per link", "Runs (ms)",
				"Enqueue call median", "Until on-success callback ran", "JVM CPU s / machine busy");
		chains.forEach((label, runs) -> {
			double median = median(runs, ChainRun::totalMillis);
			ChainRun typical = closestTo(runs, ChainRun::totalMillis, median);
			chainTable.row(label, Stats.millis(median), Stats.millis(median / links),
					runs.stream().map((run) -> Stats.millis(run.totalMillis())).collect(Collectors.joining(" / ")),
					Stats.millis(median(runs, ChainRun::enqueueCallMillis)),
					Stats.millis(median(runs, ChainRun::callbackMillis)), cpu(typical.profile()));
		});

		Report.Table jobTable = section.table("Job of " + count(tasks) + " no-op tasks (lower ms, higher tasks/s is "
				+ "better)", "Variant", "Median until it ended (ms)", "Tasks/s", "Runs (ms)",
				"Database span median (ms)", "Start call median (ms)", "Planned after (ms)",
				"Planner runs every (ms)", "JVM CPU s / machine busy");
		jobs.forEach((kind, runs) -> {
			double median = median(runs, JobRun::endMillis);
			JobRun typical = closestTo(runs, JobRun::endMillis, median);
			jobTable.row(jobLabel(kind, tasks, chunk), Stats.millis(median), Stats.rate(tasks / (median / 1e3)),
					runs.stream().map((run) -> Stats.millis(run.endMillis())).collect(Collectors.joining(" / ")),
					Stats.millis(median(runs, JobRun::databaseSpanMillis)),
					Stats.millis(median(runs, JobRun::startCallMillis)),
					kind.planned() ? Stats.millis(median(runs, JobRun::plannedMillis)) : "n/a",
					kind.planned() ? Stats.millis(median(runs, JobRun::plannerIntervalMillis)) : "n/a",
					cpu(typical.profile()));
		});

		double plain = median(jobs.get(JobKind.PLAIN), JobRun::endMillis);
		Report.Table ratios = section.table("Cost of the flow and the job (ratio of median times, 1.00x = no cost)",
				"Comparison", "Ratio");
		ratios.row("chain as one job / chain by `enqueueAll`",
				Stats.ratio(median(chains.get(chainLabel(true)), ChainRun::totalMillis)
						/ median(chains.get(chainLabel(false)), ChainRun::totalMillis)));
		ratios.row(count(tasks) + "-task job planned in chunks of " + chunk + " / " + count(tasks) + " plain tasks",
				Stats.ratio(median(jobs.get(JobKind.PLANNED), JobRun::endMillis) / plain));
		ratios.row(count(tasks) + "-task job planned in chunks of " + chunk + ", planner at priority 1 / " + count(tasks)
				+ " plain tasks", Stats.ratio(median(jobs.get(JobKind.PLANNED_AHEAD), JobRun::endMillis) / plain));
		ratios.row(count(tasks) + "-task job given up front / " + count(tasks) + " plain tasks",
				Stats.ratio(median(jobs.get(JobKind.UP_FRONT), JobRun::endMillis) / plain));

		section.note("A chain runs one task at a time, so its time per link is a pickup: the completion that "
				+ "writes a task's success releases its child in the same transaction, then the node wakes itself "
				+ "and claims the child. The job's clock stops when its on-success callback starts (the callback "
				+ "is enqueued in the transaction that ends the job, then picked up); 'Database span' is the job's "
				+ "`finishedAt - createdAt` as `findJob` reports it (for plain tasks, the last task's `finished_at` "
				+ "less the first one's `created_at`). The plain tasks are enqueued with one `enqueueAll` of "
				+ count(tasks) + " while the node runs, and timed until the database shows them all SUCCEEDED. "
				+ "'Planned after' is when the planner's last run started, 'Planner runs every' the median time "
				+ "from the start of one of its runs to the next. The planner adds each chunk with "
				+ "`TaskContext.addToJob` and asks for its next run with `planNext`, both written in the "
				+ "transaction that records its run's success; `expectedTasks` is " + count(tasks) + ". At the "
				+ "default priority the planner's next run queues behind the chunk it has just added (the tasks "
				+ "it adds are due from the moment it calls `addToJob`, its next run from the moment its success "
				+ "is written), so the node runs each chunk out before planning the next; at priority 1 it is "
				+ "claimed ahead of them.");
		if (this.options.profile) {
			profile(section, links, tasks, chunk);
		}
		if (!this.warnings.isEmpty()) {
			section.note("Checks that failed: " + String.join("; ", this.warnings) + ".");
		}
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
	}

	/**
	 * One more chain, as a job, and one more run of each job variant, with every statement the
	 * node runs timed: what a link, a planner run and a job's task cost. The caller's own
	 * enqueue is left out.
	 */
	private void profile(Report.Section section, int links, int tasks, int chunk) {
		SqlTimer timer = new SqlTimer();
		DataSource timed = timer.wrap(this.dataSource);
		ChainRun chain = chain(true, links, timed);
		profileTable(section, nodeLines(timer), "Where a link's time goes: one extra, profiled chain of "
				+ count(links) + " as a job (" + Stats.millis(chain.totalMillis() / links) + " ms per link)", "link",
				links);
		Report.Table summary = section.table("The node's transactions and statement time per 1,000 tasks in one "
				+ "extra, profiled run of each job variant, on tables as in the runs above and on empty tables "
				+ "without statistics (client-side counts and times, round trip included)", "Tables", "Variant", "ms",
				"Claims / 1k tasks", "Claim ms / call", "Commits / 1k tasks", "Statements / 1k tasks",
				"Statement ms / 1k tasks");
		List<Runnable> details = new ArrayList<>();
		int history = this.options.flowsHistory;
		for (int tables : (history > 0) ? new int[] { history, 0 } : new int[] { 0 }) {
			for (JobKind kind : JobKind.values()) {
				timer.reset();
				JobRun job = job(kind, tasks, chunk, timed, tables);
				List<SqlTimer.Line> lines = nodeLines(timer);
				double total = lines.stream().mapToDouble(SqlTimer.Line::totalMillis).sum();
				long claims = claims(lines);
				double claimMillis = lines.stream()
					.filter(SqlTimer.Line::isClaim)
					.mapToDouble(SqlTimer.Line::totalMillis)
					.sum();
				summary.row(tablesLabel(tables), jobLabel(kind, tasks, chunk), Stats.millis(job.endMillis()),
						perThousand(claims, tasks), String.format(Locale.ROOT, "%.2f", claimMillis / claims),
						perThousand(commits(lines), tasks), perThousand(statements(lines), tasks),
						String.format(Locale.ROOT, "%.0f", total * 1000 / tasks));
				if (kind == JobKind.PLANNED && tables == history) {
					int plannerRuns = (tasks + chunk - 1) / chunk;
					String caption = "Where a planner run's time goes: the profiled job of " + count(tasks)
							+ " planned in chunks of " + chunk + " (" + Stats.millis(job.endMillis())
							+ " ms; planner runs every " + Stats.millis(job.plannerIntervalMillis())
							+ " ms; its items run meanwhile)";
					details.add(() -> profileTable(section, lines, caption, "planner run", plannerRuns));
				}
			}
		}
		section.note("Tables that start empty and without statistics show whether a claim stays a primary-key "
				+ "lookup as the table grows: a generic plan made while the table was small, kept by the "
				+ "server-prepared statement, would scan the whole table. The claim asks for a plan of its own "
				+ "each time (`plan_cache_mode = force_custom_plan`), which sees the table's size.");
		details.forEach(Runnable::run);
	}

	private static String tablesLabel(int history) {
		return (history > 0) ? count(history) + " finished tasks, analyzed" : "empty, no statistics";
	}

	private static String statement(SqlTimer.Line line) {
		return line.key().split(" \\| ", 2)[1];
	}

	private static List<SqlTimer.Line> nodeLines(SqlTimer timer) {
		return timer.lines().stream().filter((line) -> !line.key().startsWith("main | ")).toList();
	}

	/** Calls of the statements that match, of any thread. */
	private static long calls(List<SqlTimer.Line> lines, Predicate<String> statement) {
		return lines.stream()
			.filter((line) -> statement.test(statement(line)))
			.mapToLong(SqlTimer.Line::count)
			.sum();
	}

	private static long claims(List<SqlTimer.Line> lines) {
		return lines.stream().filter(SqlTimer.Line::isClaim).mapToLong(SqlTimer.Line::count).sum();
	}

	/** The node's commits: its {@code COMMIT}s, and its claims, which commit by themselves. */
	private static long commits(List<SqlTimer.Line> lines) {
		return calls(lines, "COMMIT"::equals) + claims(lines);
	}

	private static long statements(List<SqlTimer.Line> lines) {
		return lines.stream()
			.filter((line) -> !line.key().endsWith("| COMMIT") && !line.key().endsWith("| ROLLBACK"))
			.mapToLong(SqlTimer.Line::count)
			.sum();
	}

	private static String perThousand(long count, int tasks) {
		return String.format(Locale.ROOT, "%.0f", count * 1000.0 / tasks);
	}

	private static void profileTable(Report.Section section, List<SqlTimer.Line> lines, String caption, String unit,
			int units) {
		double total = lines.stream().mapToDouble(SqlTimer.Line::totalMillis).sum();
		long commits = commits(lines);
		Report.Table table = section.table(caption + ": the node's statements, client-side time with the round "
				+ "trip; " + String.format(Locale.ROOT, "%.1f", (double) commits / units) + " commits and "
				+ String.format(Locale.ROOT, "%.2f", total / units) + " statement ms per " + unit + "; top statements",
				"Thread", "Statement", "Calls / " + unit, "ms / " + unit, "ms / call");
		for (SqlTimer.Line line : lines.subList(0, Math.min(8, lines.size()))) {
			String[] parts = line.key().split(" \\| ", 2);
			table.row(parts[0], "`" + parts[1].replace("|", "/") + "`",
					String.format(Locale.ROOT, "%.2f", (double) line.count() / units),
					String.format(Locale.ROOT, "%.3f", line.totalMillis() / units),
					String.format(Locale.ROOT, "%.2f", line.totalMillis() / line.count()));
		}
	}

	/** Chain {@code links} no-op tasks, each after the previous one, and time them to the last one's success. */
	private ChainRun chain(boolean asJob, int links, DataSource nodeDataSource) {
		return chain(asJob, links, nodeDataSource, this.options.flowsHistory);
	}

	private ChainRun chain(boolean asJob, int links, DataSource nodeDataSource, int history) {
		reset(history);
		Signals signals = new Signals(links);
		TaskQueueEngine node = node(nodeDataSource, signals);
		node.start();
		try {
			Db.sleep(500);
			List<TaskRequest> chain = new ArrayList<>(links);
			TaskRequest previous = null;
			for (int i = 0; i < links; i++) {
				TaskRequest request = (previous != null) ? TaskRequest.builder(TaskQueueSide.TYPE).after(previous).build()
						: TaskRequest.of(TaskQueueSide.TYPE, null);
				chain.add(request);
				previous = request;
			}
			TaskQueue queue = node.queue();
			JobRequest job = asJob ? JobRequest.builder("bench chain of " + links)
				.tasks(chain)
				.onSuccess(TaskRequest.of(DONE, null))
				.build() : null;
			CompletableFuture<Long> callback = asJob ? signals.callback(job.id()) : null;
			Probe before = Probe.take();
			long start = System.nanoTime();
			if (asJob) {
				queue.startJob(job);
			}
			else {
				queue.enqueueAll(chain);
			}
			long called = System.nanoTime();
			double total = Double.NaN;
			double callbackMillis = Double.NaN;
			try {
				var last = queue.whenFinished(previous.id()).get(RUN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
				total = (System.nanoTime() - start) / 1e6;
				if (last.status() != TaskStatus.SUCCEEDED) {
					warn("chain's last task ended " + last.status());
				}
				if (asJob) {
					callbackMillis = (callback.get(RUN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) - start) / 1e6;
				}
			}
			catch (TimeoutException ex) {
				warn("chain of " + links + (asJob ? " as a job" : "") + " not done after " + RUN_TIMEOUT_MILLIS
						+ " ms: " + succeeded() + " tasks SUCCEEDED, " + signals.items.get() + " handler runs");
			}
			Probe after = Probe.take();
			if (signals.items.get() != links) {
				warn(signals.items.get() + " handler runs for a chain of " + links);
			}
			if (asJob && !Double.isNaN(callbackMillis)) {
				checkJob(queue, job.id(), links, links);
			}
			return new ChainRun(total, (called - start) / 1e6, callbackMillis, signals.items.get(),
					after.since(before));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Chain run failed", ex);
		}
		finally {
			node.stop();
		}
	}

	/** Run {@code tasks} no-op tasks as a planned job, a job given up front, or plain tasks, and time them. */
	private JobRun job(JobKind kind, int tasks, int chunk, DataSource nodeDataSource) {
		return job(kind, tasks, chunk, nodeDataSource, this.options.flowsHistory);
	}

	private JobRun job(JobKind kind, int tasks, int chunk, DataSource nodeDataSource, int history) {
		reset(history);
		Signals signals = new Signals(tasks);
		TaskQueueEngine node = node(nodeDataSource, signals);
		node.start();
		try {
			Db.sleep(500);
			TaskQueue queue = node.queue();
			List<TaskRequest> items = new ArrayList<>(tasks);
			if (!kind.planned()) {
				for (int i = 0; i < tasks; i++) {
					items.add(TaskRequest.of(TaskQueueSide.TYPE, null));
				}
			}
			JobRequest job = switch (kind) {
				case PLANNED, PLANNED_AHEAD -> JobRequest.builder("bench planned job of " + tasks)
					.planner(TaskRequest.builder(PLANNER)
						.payload(new Plan(0, tasks, chunk))
						.priority((kind == JobKind.PLANNED_AHEAD) ? 1 : 0)
						.build())
					.expectedTasks(tasks)
					.onSuccess(TaskRequest.of(DONE, null))
					.build();
				case UP_FRONT -> JobRequest.builder("bench job of " + tasks)
					.tasks(items)
					.onSuccess(TaskRequest.of(DONE, null))
					.build();
				case PLAIN -> null;
			};
			CompletableFuture<Long> callback = (job != null) ? signals.callback(job.id()) : null;
			Probe before = Probe.take();
			long start = System.nanoTime();
			if (job != null) {
				queue.startJob(job);
			}
			else {
				queue.enqueueAll(items);
			}
			long called = System.nanoTime();
			double end = Double.NaN;
			double span = Double.NaN;
			try {
				if (job != null) {
					end = (callback.get(RUN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) - start) / 1e6;
					JobState state = checkJob(queue, job.id(), tasks, tasks + (kind.planned() ? 1 : 0));
					if (state != null && state.finishedAt() != null) {
						span = Duration.between(state.createdAt(), state.finishedAt()).toNanos() / 1e6;
					}
				}
				else if (signals.itemsDone.await(RUN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
						&& Db.await(() -> Db.queryLong(this.dataSource, "SELECT count(*) FROM " + Db.TASK_TABLE
								+ " WHERE status <> 'SUCCEEDED'") == 0, RUN_TIMEOUT_MILLIS, 2)) {
					end = (System.nanoTime() - start) / 1e6;
					span = Db.queryLong(this.dataSource, "SELECT (extract(epoch FROM max(finished_at) - min(created_at)) "
							+ "* 1000000)::bigint FROM " + Db.TASK_TABLE + " WHERE type <> '" + HISTORY + "'") / 1e3;
				}
				else {
					throw new TimeoutException();
				}
			}
			catch (TimeoutException ex) {
				warn(jobLabel(kind, tasks, chunk) + " not done after " + RUN_TIMEOUT_MILLIS + " ms: " + succeeded()
						+ " tasks SUCCEEDED, " + signals.items.get() + " handler runs"
						+ ((job != null) ? ", job " + queue.findJob(job.id()).map(FlowsPhase::describe).orElse("missing")
								: ""));
			}
			Probe after = Probe.take();
			if (signals.items.get() != tasks) {
				warn(signals.items.get() + " handler runs for " + jobLabel(kind, tasks, chunk));
			}
			int plannerRuns = (tasks + chunk - 1) / chunk;
			if (kind.planned() && signals.plannerRuns.get() != plannerRuns) {
				warn(signals.plannerRuns.get() + " planner runs, expected " + plannerRuns);
			}
			double planned = (kind.planned() && signals.plannedAt != 0) ? (signals.plannedAt - start) / 1e6
					: Double.NaN;
			return new JobRun(end, span, (called - start) / 1e6, planned, plannerInterval(signals.plannerStarts),
					signals.items.get(), after.since(before));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Job run failed", ex);
		}
		finally {
			node.stop();
		}
	}

	/** Check that a job ended SUCCEEDED with every task and full progress; return its state. */
	private JobState checkJob(TaskQueue queue, UUID jobId, int items, int total) {
		JobState state = queue.findJob(jobId).orElse(null);
		if (state == null) {
			warn("job " + jobId + " not found");
			return null;
		}
		if (state.status() != JobStatus.SUCCEEDED || state.count(TaskStatus.SUCCEEDED) != total
				|| state.total() != total || state.progress() < 1.0 || state.planning()) {
			warn("job of " + items + " ended as " + describe(state) + ", expected SUCCEEDED with " + total
					+ " tasks SUCCEEDED");
		}
		return state;
	}

	private static String describe(JobState state) {
		return state.status() + " " + state.counts() + (state.planning() ? " planning" : "")
				+ String.format(Locale.ROOT, " progress %.3f", state.progress());
	}

	private void warn(String warning) {
		System.out.println("   WARNING: " + warning);
		this.warnings.add(warning);
	}

	private long succeeded() {
		return Db.queryLong(this.dataSource, "SELECT count(*) FROM " + Db.TASK_TABLE + " WHERE status = 'SUCCEEDED' "
				+ "AND type <> '" + HISTORY + "'");
	}

	/**
	 * Empty every TaskQueue table; then, for a queue in use, fill the task table with finished
	 * tasks and take statistics on every table (as autovacuum would have); and take a checkpoint,
	 * so that none falls due during the run. With no history the tables stay as a new install
	 * has them: empty, without statistics.
	 */
	private void reset(int history) {
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		if (history > 0) {
			// Ids of the version 7 layout from 2024, apart from the engine's own
			Db.execute(this.dataSource, """
					INSERT INTO %s (id, type, queue, status, priority, run_at, attempts, pending_parents, payload,
						result, created_at, started_at, finished_at)
					SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, '%s', 'default',
						'SUCCEEDED', 0, now() - interval '1 day', 1, 0, NULL, NULL, now() - interval '1 day',
						now() - interval '1 day', now() - interval '1 day'
					FROM generate_series(1, %d) g""".formatted(Db.TASK_TABLE, HISTORY, history));
			for (String table : Db.TASK_QUEUE_TABLES) {
				Db.execute(this.dataSource, "VACUUM ANALYZE " + table);
			}
		}
		Db.execute(this.dataSource, "CHECKPOINT");
	}

	/** A node with the engine's default settings and the phase's three task types. */
	private static TaskQueueEngine node(DataSource dataSource, Signals signals) {
		return TaskQueueSide.engine(dataSource, registry(signals), "bench-flows-node").build();
	}

	private static TaskTypeRegistry registry(Signals signals) {
		TaskTypeRegistry registry = TaskQueueSide.registry(() -> {
			signals.items.incrementAndGet();
			signals.itemsDone.countDown();
		});
		TaskHandler<Plan> planner = (plan, context) -> plan(plan, context, signals);
		registry.register(PLANNER, planner, Plan.class, TaskTypeSettings.NONE, "benchmark planner");
		TaskHandler<UUID> done = (jobId, context) -> {
			signals.callback(jobId).complete(System.nanoTime());
			return null;
		};
		registry.register(DONE, done, UUID.class, TaskTypeSettings.NONE, "benchmark job callback");
		return registry;
	}

	/** Add the next chunk of no-op tasks to the job, and ask to run again while more are to come. */
	private static Object plan(Plan plan, TaskContext context, Signals signals) {
		signals.plannerStarts.add(System.nanoTime());
		int to = Math.min(plan.total(), plan.next() + plan.chunk());
		List<TaskRequest> chunk = new ArrayList<>(to - plan.next());
		for (int i = plan.next(); i < to; i++) {
			chunk.add(TaskRequest.of(TaskQueueSide.TYPE, null));
		}
		context.addToJob(chunk);
		signals.plannerRuns.incrementAndGet();
		if (to < plan.total()) {
			context.planNext(new Plan(to, plan.total(), plan.chunk()));
		}
		else {
			signals.plannedAt = System.nanoTime();
		}
		return null;
	}

	/** The median time from one of the planner's runs to the next, or NaN if it ran once. */
	private static double plannerInterval(List<Long> starts) {
		List<Double> intervals = new ArrayList<>();
		synchronized (starts) {
			for (int i = 1; i < starts.size(); i++) {
				intervals.add((starts.get(i) - starts.get(i - 1)) / 1e6);
			}
		}
		return new Stats(intervals).median();
	}

	private static String chainLabel(boolean asJob) {
		return asJob ? "one job (`startJob`)" : "plain tasks (`enqueueAll`)";
	}

	private static String jobLabel(JobKind kind, int tasks, int chunk) {
		return switch (kind) {
			case PLANNED -> "job planned in chunks of " + chunk + " (" + ((tasks + chunk - 1) / chunk)
					+ " planner runs)";
			case PLANNED_AHEAD -> "the same, planner at priority 1";
			case UP_FRONT -> "job with every task up front (one `startJob`)";
			case PLAIN -> "plain tasks, no job (one `enqueueAll`)";
		};
	}

	private static String cpu(Probe.Delta profile) {
		return String.format(Locale.ROOT, "%.2f / %.0f%%", profile.jvmCpuSeconds(), profile.machineBusyShare() * 100);
	}

	private static String count(int value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	private static <T> double median(List<T> runs, ToDoubleFunction<T> value) {
		return new Stats(runs.stream().map(value::applyAsDouble).toList()).median();
	}

	private static <T> T closestTo(List<T> runs, ToDoubleFunction<T> value, double median) {
		T closest = runs.get(0);
		for (T run : runs) {
			if (Math.abs(value.applyAsDouble(run) - median) < Math.abs(value.applyAsDouble(closest) - median)) {
				closest = run;
			}
		}
		return closest;
	}

}

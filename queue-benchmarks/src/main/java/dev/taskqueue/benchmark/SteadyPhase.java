package dev.taskqueue.benchmark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;

/**
 * Phase: steady throughput in the shape of an outside harness built for PostgreSQL queues.
 * Producers keep a number of ready jobs waiting, each job with a unique key (TaskQueue) or
 * instance id (db-scheduler); consumers with a fixed number of worker slots spend 1 ms on each
 * job; autovacuum is on for the phase, whatever the server's setting, and put back afterwards.
 */
final class SteadyPhase {

	/** Producer threads per system. */
	private static final int PRODUCERS = 2;

	private static final long WORK_NANOS = 1_000_000;

	/** A queue under test: its consumer, started and stopped, and its producers' enqueue call. */
	private interface Side {

		void start();

		/** Enqueue this many new jobs, each with a key of its own. */
		void enqueue(int jobs);

		void stop();

	}

	/** One cell's result. */
	private record Cell(double rate, List<Double> steps, long autovacuums, String sizes) {

		double median() {
			return new Stats(this.steps).median();
		}

		boolean steady() {
			Stats stats = new Stats(this.steps);
			return stats.min() >= 0.8 * stats.median() && stats.max() <= 1.2 * stats.median();
		}

	}

	private final Options options;

	private final Database database;

	private final DataSource dataSource;

	private final Report report;

	SteadyPhase(Options options, Database database, Report report) {
		this.options = options;
		this.database = database;
		this.dataSource = database.dataSource();
		this.report = report;
	}

	void run() {
		Report.Section section = this.report.section("3b. Steady throughput: producers keep "
				+ String.format(Locale.ROOT, "%,d", this.options.steadyReady) + " keyed jobs ready, 1 ms of work per job",
				"The shape of an outside harness built for PostgreSQL queues: " + PRODUCERS + " producer threads per "
						+ "system enqueue batches of " + this.options.steadyBatch + " jobs (TaskQueue `enqueueAll` of "
						+ "requests each with a unique key; db-scheduler `scheduleBatch` on the scheduler itself with unique instance ids) "
						+ "whenever fewer than " + String.format(Locale.ROOT, "%,d", this.options.steadyReady)
						+ " are waiting (enqueued minus completed, counted in memory); consumers with "
						+ this.options.steadyWorkers.stream().map(String::valueOf).collect(Collectors.joining(" and "))
						+ " worker slots park 1 ms in each job. TaskQueue runs its defaults except `concurrency`; "
						+ "db-scheduler lock-and-fetch polling with immediate execution and threads = worker slots. "
						+ "Each cell starts on emptied tables and runs " + this.options.steadyWarmupSeconds
						+ " s unmeasured, then " + this.options.steadySeconds + " s measured. **Autovacuum is switched "
						+ "on for this phase** (`ALTER SYSTEM SET autovacuum = on` and a reload; the server's own "
						+ "setting is put back afterwards); the tables keep their own storage settings.");
		Report.Table table = section.table("Jobs completed per second (higher is better) and how steady",
				"Worker slots", "System", "Jobs/s over the run", "Median of " + this.options.steadyStepSeconds
						+ " s steps",
				"Min / max, % of median", "Within 20% of median", "Autovacuum runs on its table",
				"Table / indexes at the end (kB)");
		Report.Table series = section.table("Rate series: jobs/s in each " + this.options.steadyStepSeconds
				+ " s step after the warm-up", "Worker slots", "System", "Jobs/s per step");
		Report.Table ratios = this.options.steadyPeer
				? section.table("Steady ratio TaskQueue / db-scheduler (higher is better for TaskQueue)",
						"Worker slots", "TaskQueue jobs/s", "db-scheduler jobs/s", "Ratio")
				: null;
		try (Autovacuum autovacuum = Autovacuum.set(this.dataSource, true)) {
			for (int workers : this.options.steadyWorkers) {
				Cell taskQueue = cell(taskQueue(workers), Db.TASK_TABLE);
				row(table, series, workers, "TaskQueue", taskQueue);
				if (ratios != null) {
					Cell dbScheduler = cell(dbScheduler(workers), Db.DBS_TABLE);
					row(table, series, workers, "db-scheduler", dbScheduler);
					ratios.row(Integer.toString(workers), Stats.rate(taskQueue.rate()),
							Stats.rate(dbScheduler.rate()), Stats.ratio(taskQueue.rate() / dbScheduler.rate()));
				}
			}
		}
		finally {
			this.database.truncate(Db.TASK_TABLE, Db.DBS_TABLE);
		}
		section.note("Completed jobs are counted when their handler returns. Jobs/s over the run: jobs completed in "
				+ "the measured time / its length. Within 20%: every step between 80% and 120% of the steps' "
				+ "median. Autovacuum runs: `autovacuum_count` of the system's task table over the cell; sizes: "
				+ "`pg_table_size` / `pg_indexes_size` of that table when the cell ends.");
	}

	private static void row(Report.Table table, Report.Table series, int workers, String system, Cell cell) {
		Stats stats = new Stats(cell.steps());
		table.row(Integer.toString(workers), system, Stats.rate(cell.rate()), Stats.rate(cell.median()),
				String.format(Locale.ROOT, "%.0f%% / %.0f%%", stats.min() * 100 / cell.median(),
						stats.max() * 100 / cell.median()),
				cell.steady() ? "yes" : "no", Long.toString(cell.autovacuums()), cell.sizes());
		series.row(Integer.toString(workers), system,
				cell.steps().stream().map(Stats::rate).collect(Collectors.joining(" ")));
	}

	private Cell cell(SideFactory factory, String table) {
		this.database.truncate(Db.TASK_TABLE, Db.DBS_TABLE);
		AtomicLong completed = new AtomicLong();
		AtomicLong enqueued = new AtomicLong();
		AtomicBoolean producing = new AtomicBoolean(true);
		Side side = factory.create(completed::incrementAndGet);
		long autovacuumsBefore = Db.autovacuums(this.dataSource, table);
		side.start();
		List<Thread> producers = new ArrayList<>();
		for (int i = 0; i < PRODUCERS; i++) {
			Thread producer = new Thread(() -> {
				while (producing.get()) {
					if (enqueued.get() - completed.get() < this.options.steadyReady) {
						enqueued.addAndGet(this.options.steadyBatch);
						side.enqueue(this.options.steadyBatch);
					}
					else {
						LockSupport.parkNanos(WORK_NANOS);
					}
				}
			}, "bench-producer-" + i);
			producer.start();
			producers.add(producer);
		}
		List<Double> steps = new ArrayList<>();
		double rate;
		try {
			Db.sleep(this.options.steadyWarmupSeconds * 1000L);
			long start = System.nanoTime();
			long first = completed.get();
			long previous = first;
			long stepNanos = this.options.steadyStepSeconds * 1_000_000_000L;
			for (int step = 1; step * this.options.steadyStepSeconds <= this.options.steadySeconds; step++) {
				long due = start + step * stepNanos;
				Db.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
				long now = completed.get();
				steps.add((now - previous) / (double) this.options.steadyStepSeconds);
				previous = now;
			}
			rate = (previous - first) / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			producing.set(false);
			producers.forEach(SteadyPhase::join);
			side.stop();
		}
		long autovacuums = Db.autovacuums(this.dataSource, table) - autovacuumsBefore;
		String sizes = Db.sizes(this.dataSource, table);
		System.out.printf(Locale.ROOT, "   %s: %s jobs/s, steps %s%n", table, Stats.rate(rate),
				steps.stream().map(Stats::rate).collect(Collectors.joining(" ")));
		return new Cell(rate, steps, autovacuums, sizes);
	}

	private static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Builds a side whose jobs call the given counter once done. */
	@FunctionalInterface
	private interface SideFactory {

		Side create(Runnable onDone);

	}

	private static Runnable work(Runnable onDone) {
		return () -> {
			LockSupport.parkNanos(WORK_NANOS);
			onDone.run();
		};
	}

	private SideFactory taskQueue(int workers) {
		return (onDone) -> {
			TaskQueueEngine node = TaskQueueSide
				.engine(this.dataSource, TaskQueueSide.registry(work(onDone)), "bench-steady")
				.concurrency(workers)
				.build();
			AtomicLong keys = new AtomicLong();
			return new Side() {

				@Override
				public void start() {
					node.start();
				}

				@Override
				public void enqueue(int jobs) {
					List<TaskRequest> requests = new ArrayList<>(jobs);
					for (int i = 0; i < jobs; i++) {
						requests.add(TaskRequest.builder(TaskQueueSide.TYPE).key("job-" + keys.incrementAndGet()).build());
					}
					node.queue().enqueueAll(requests);
				}

				@Override
				public void stop() {
					node.stop();
				}

			};
		};
	}

	private SideFactory dbScheduler(int workers) {
		return (onDone) -> {
			OneTimeTask<Void> task = DbSchedulerSide.task(work(onDone));
			Scheduler scheduler = DbSchedulerSide.scheduler(this.dataSource, task, workers, "lock-and-fetch", false)
				.build();
			AtomicLong ids = new AtomicLong();
			return new Side() {

				@Override
				public void start() {
					scheduler.start();
				}

				@Override
				public void enqueue(int jobs) {
					List<TaskInstance<?>> instances = new ArrayList<>(jobs);
					for (int i = 0; i < jobs; i++) {
						instances.add(task.instance("job-" + ids.incrementAndGet()));
					}
					// Through the scheduler itself, as one process would: that is what triggers immediate execution
					scheduler.scheduleBatch(instances, Instant.now());
				}

				@Override
				public void stop() {
					scheduler.stop();
				}

			};
		};
	}

}

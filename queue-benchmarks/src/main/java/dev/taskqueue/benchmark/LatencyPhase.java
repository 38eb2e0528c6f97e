package dev.taskqueue.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Phase 4: on an idle queue, one task at a time, the time from the start of the enqueue call to
 * the start of its handler.
 */
final class LatencyPhase {

	private static final long SAMPLE_TIMEOUT_MILLIS = 30_000;

	private static final String FLOOR_CHANNEL = "tqb_floor";

	private final Options options;

	private final DataSource dataSource;

	private final Report report;

	LatencyPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
	}

	/** Signals the start of the one task in flight. */
	static final class StartSignal {

		private volatile CompletableFuture<Long> next = new CompletableFuture<>();

		void arm() {
			this.next = new CompletableFuture<>();
		}

		void started() {
			this.next.complete(System.nanoTime());
		}

		long await() throws Exception {
			return this.next.get(SAMPLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}

	}

	/** One enqueue: what to call, returning when the enqueue call returns. */
	@FunctionalInterface
	interface Enqueue {

		void enqueue(int sample) throws Exception;

	}

	record Result(Stats pickup, Stats enqueueCall, Stats afterCall) {
	}

	void run() {
		Report.Section section = this.report.section("4. Idle pickup latency",
				"On an idle queue, one task at a time: the time from the start of the enqueue call to the start of "
						+ "its handler (the next task is enqueued only after the previous one started, with a random "
						+ "5-15 ms pause). " + this.options.latencyWarmup + " warm-up samples, then "
						+ this.options.latencySamples + " measured.");
		Report.Table table = section.table("Pickup latency (ms, lower is better)", "System", "Variant", "Wake-up",
				"Median", "p99", "Max", "Samples", "Enqueue call median", "After the call: median", "After the call: p99");
		Result sameNode = taskQueueSameNode();
		row(table, "TaskQueue", "same node", "claim in the enqueue's round trip", sameNode);
		Result otherNode = taskQueueOtherNode();
		row(table, "TaskQueue", "other node", "LISTEN/NOTIFY", otherNode);
		Result immediate = dbSchedulerImmediate();
		row(table, "db-scheduler", "same node", "enableImmediateExecution()", immediate);
		Result polling = dbSchedulerPolling();
		row(table, "db-scheduler", "other node", "default polling (10 s)", polling);
		row(table, "database floor", "same node", "none: insert, then claim on the same thread", floor(false));
		row(table, "database floor", "other node", "insert with pg_notify, the LISTEN thread claims", floor(true));
		Report.Table ratios = section.table("Pickup ratio TaskQueue / db-scheduler (lower is better for TaskQueue)",
				"Variant", "TaskQueue median", "db-scheduler median", "Ratio of medians", "Ratio of p99s");
		ratios.row("same node (vs immediate execution)", Stats.millis(sameNode.pickup().median()),
				Stats.millis(immediate.pickup().median()),
				Stats.ratio(sameNode.pickup().median() / immediate.pickup().median()),
				Stats.ratio(sameNode.pickup().percentile(99) / immediate.pickup().percentile(99)));
		ratios.row("other node (vs default polling)", Stats.millis(otherNode.pickup().median()),
				Stats.millis(polling.pickup().median()),
				Stats.ratio(otherNode.pickup().median() / polling.pickup().median()),
				Stats.ratio(otherNode.pickup().percentile(99) / polling.pickup().percentile(99)));
		section.note("db-scheduler wakes only the node that schedules (immediate execution needs the scheduler "
				+ "instance itself to schedule); another node finds the task on its next poll, every 10 s by "
				+ "default, so that row has " + this.options.pollingSamples + " samples (about 5 s each) to keep "
				+ "the run short. 'Enqueue call' is how long the enqueue call itself took (insert and commit; on "
				+ "the same node TaskQueue's claim goes in that round trip, committed with the insert, and "
				+ "db-scheduler's wake-up is issued inside the call); 'after the call' is the time from its "
				+ "return, the task committed, to the start of the handler: the part of the pickup that the "
				+ "queue's wake-up and claim decide after the enqueue's own durable commit. The 'database floor' rows use "
				+ "no queue at all: plain JDBC on two connections inserts a minimal ready row and claims it with "
				+ "TaskQueue's claim statement, in the same thread right after the insert, or on a thread woken by "
				+ "the insert's notification; they time the insert's commit and the claim's round trips alone, "
				+ "which any queue on this database and machine pays, without a handler or a worker thread "
				+ "(the same-thread floor's enqueue call includes its claim).");
		if (this.options.profile) {
			profile(section);
		}
	}

	/** Short extra runs with every statement timed: what one pickup costs in database round trips. */
	private void profile(Report.Section section) {
		int samples = 50;
		SqlTimer timer = new SqlTimer();
		DataSource timed = timer.wrap(this.dataSource);
		Report.Table table = section.table("Where one pickup's time goes: statements per sample in " + samples
				+ " extra, profiled samples (client-side ms, round trip included; mean per sample)", "Variant",
				"Median pickup", "Thread", "Statement", "Calls / sample", "ms / sample");
		String[] labels = { "TaskQueue same node", "TaskQueue other node", "db-scheduler immediate" };
		for (int variant = 0; variant < labels.length; variant++) {
			int current = variant;
			Result result = switch (current) {
				case 0 -> taskQueueSameNode(timed, 10, samples);
				case 1 -> taskQueueOtherNode(timed, 10, samples);
				default -> dbSchedulerImmediate(timed, 10, samples);
			};
			// The timer also saw the warm-up; scale by all enqueues made
			int enqueues = samples + 10;
			for (SqlTimer.Line line : timer.lines()) {
				double perSample = line.totalMillis() / enqueues;
				if (perSample < 0.05) {
					continue;
				}
				String[] parts = line.key().split(" \\| ", 2);
				table.row(labels[current], Stats.millis(result.pickup().median()), parts[0],
						"`" + parts[1].replace("|", "/") + "`",
						String.format(Locale.ROOT, "%.2f", (double) line.count() / enqueues),
						String.format(Locale.ROOT, "%.2f", perSample));
			}
			timer.reset();
		}
	}

	private static void row(Report.Table table, String system, String variant, String wakeUp, Result result) {
		table.row(system, variant, wakeUp, Stats.millis(result.pickup().median()),
				Stats.millis(result.pickup().percentile(99)), Stats.millis(result.pickup().max()),
				Integer.toString(result.pickup().count()), Stats.millis(result.enqueueCall().median()),
				Stats.millis(result.afterCall().median()), Stats.millis(result.afterCall().percentile(99)));
	}

	private Result taskQueueSameNode() {
		return taskQueueSameNode(this.dataSource, this.options.latencyWarmup, this.options.latencySamples);
	}

	private Result taskQueueSameNode(DataSource target, int warmup, int samples) {
		Db.truncate(this.dataSource, Db.TASK_TABLE);
		StartSignal signal = new StartSignal();
		TaskTypeRegistry registry = TaskQueueSide.registry(signal::started);
		TaskQueueEngine node = TaskQueueSide.engine(target, registry, "bench-latency-node").build();
		node.start();
		try {
			Db.sleep(500);
			return measure(signal, warmup, samples,
					(sample) -> node.queue().enqueue(TaskRequest.of(TaskQueueSide.TYPE, null)));
		}
		finally {
			node.stop();
		}
	}

	private Result taskQueueOtherNode() {
		return taskQueueOtherNode(this.dataSource, this.options.latencyWarmup, this.options.latencySamples);
	}

	private Result taskQueueOtherNode(DataSource target, int warmup, int samples) {
		Db.truncate(this.dataSource, Db.TASK_TABLE);
		StartSignal signal = new StartSignal();
		TaskTypeRegistry registry = TaskQueueSide.registry(signal::started);
		TaskQueueEngine producer = TaskQueueSide.producer(target, registry);
		TaskQueueEngine worker = TaskQueueSide.engine(target, registry, "bench-latency-worker").build();
		worker.start();
		try {
			Db.sleep(500);
			return measure(signal, warmup, samples,
					(sample) -> producer.queue().enqueue(TaskRequest.of(TaskQueueSide.TYPE, null)));
		}
		finally {
			worker.stop();
			producer.stop();
		}
	}

	private Result dbSchedulerImmediate() {
		return dbSchedulerImmediate(this.dataSource, this.options.latencyWarmup, this.options.latencySamples);
	}

	private Result dbSchedulerImmediate(DataSource target, int warmup, int samples) {
		Db.truncate(this.dataSource, Db.DBS_TABLE);
		StartSignal signal = new StartSignal();
		OneTimeTask<Void> task = DbSchedulerSide.task(signal::started);
		Scheduler scheduler = DbSchedulerSide.scheduler(target, task, 10, "default", false)
			.enableImmediateExecution()
			.build();
		scheduler.start();
		try {
			Db.sleep(500);
			return measure(signal, warmup, samples,
					(sample) -> scheduler.schedule(task.instance("immediate-" + sample), Instant.now()));
		}
		finally {
			scheduler.stop();
		}
	}

	private Result dbSchedulerPolling() {
		Db.truncate(this.dataSource, Db.DBS_TABLE);
		StartSignal signal = new StartSignal();
		OneTimeTask<Void> task = DbSchedulerSide.task(signal::started);
		SchedulerClient client = DbSchedulerSide.client(this.dataSource, task, false);
		Scheduler scheduler = DbSchedulerSide.scheduler(this.dataSource, task, 10, "default", false).build();
		scheduler.start();
		try {
			Db.sleep(500);
			return measure(signal, 1, this.options.pollingSamples,
					(sample) -> client.schedule(task.instance("polled-" + sample), Instant.now()));
		}
		finally {
			scheduler.stop();
		}
	}

	/**
	 * The pickup time of no queue at all: a minimal ready row inserted and claimed with TaskQueue's
	 * claim statement on the same thread, or, with a notification, by a thread that waits on a
	 * listening connection, as another node does.
	 */
	private Result floor(boolean notified) {
		Db.truncate(this.dataSource, Db.TASK_TABLE);
		String insert = "INSERT INTO " + Db.TASK_TABLE + " (id, type, queue, status, priority, run_at, attempts, "
				+ "pending_parents, created_at) VALUES (?, 'floor', 'floor', 'READY', 0, ?, 0, 0, ?)";
		if (notified) {
			insert = "WITH inserted AS (" + insert + " RETURNING id) SELECT pg_notify('" + FLOOR_CHANNEL
					+ "', '') FROM inserted";
		}
		String claim = Dialect.forProduct("PostgreSQL").claimReturning().replace("%PREFIX%", Db.PREFIX);
		StartSignal signal = new StartSignal();
		try (Connection inserting = this.dataSource.getConnection();
				Connection claiming = this.dataSource.getConnection();
				Connection listening = this.dataSource.getConnection();
				PreparedStatement insertTask = inserting.prepareStatement(insert);
				PreparedStatement claimTask = claiming.prepareStatement(claim)) {
			Claimer claimer = new Claimer(claiming, claimTask, signal);
			Enqueue enqueue = (sample) -> {
				Timestamp now = Timestamp.from(Instant.now());
				insertTask.setObject(1, UUID.randomUUID());
				insertTask.setTimestamp(2, now);
				insertTask.setTimestamp(3, now);
				insertTask.execute();
				if (!notified) {
					claimer.claim();
				}
			};
			if (!notified) {
				return measure(signal, this.options.latencyWarmup, this.options.latencySamples, enqueue);
			}
			try (Statement listen = listening.createStatement()) {
				listen.execute("LISTEN " + FLOOR_CHANNEL);
			}
			Thread listener = new Thread(() -> claimer.claimOnNotification(listening), "bench-floor-listener");
			listener.start();
			try {
				return measure(signal, this.options.latencyWarmup, this.options.latencySamples, enqueue);
			}
			finally {
				listener.interrupt();
				listener.join();
				try (Statement unlisten = listening.createStatement()) {
					unlisten.execute("UNLISTEN *");
				}
			}
		}
		catch (SQLException | InterruptedException ex) {
			throw new IllegalStateException("The pickup floor could not be measured", ex);
		}
		finally {
			Db.truncate(this.dataSource, Db.TASK_TABLE);
		}
	}

	/** Claims the floor's row in a transaction, as TaskQueue's claim does, and signals its start. */
	private record Claimer(Connection connection, PreparedStatement statement, StartSignal signal) {

		void claim() throws SQLException {
			Timestamp now = Timestamp.from(Instant.now());
			this.connection.setAutoCommit(false);
			this.statement.setString(1, "floor");
			this.statement.setTimestamp(2, now);
			this.statement.setTimestamp(3, Timestamp.from(now.toInstant().plusSeconds(60)));
			this.statement.setLong(4, 1);
			this.statement.setString(5, "floor");
			this.statement.setTimestamp(6, now);
			this.statement.setInt(7, 1);
			boolean resultSet = this.statement.execute();
			while (!resultSet && this.statement.getUpdateCount() != -1) {
				resultSet = this.statement.getMoreResults();
			}
			int claimed = 0;
			if (resultSet) {
				try (ResultSet rows = this.statement.getResultSet()) {
					while (rows.next()) {
						claimed++;
					}
				}
			}
			this.connection.commit();
			this.connection.setAutoCommit(true);
			if (claimed > 0) {
				this.signal.started();
			}
		}

		void claimOnNotification(Connection listening) {
			try {
				PGConnection notifications = listening.unwrap(PGConnection.class);
				while (!Thread.currentThread().isInterrupted()) {
					PGNotification[] received = notifications.getNotifications(250);
					if (received != null && received.length > 0) {
						claim();
					}
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException("The floor's listener failed", ex);
			}
		}

	}

	private static Result measure(StartSignal signal, int warmup, int samples, Enqueue enqueue) {
		List<Double> pickup = new ArrayList<>(samples);
		List<Double> calls = new ArrayList<>(samples);
		List<Double> afterCalls = new ArrayList<>(samples);
		for (int i = 0; i < warmup + samples; i++) {
			Db.sleep(ThreadLocalRandom.current().nextLong(5, 16));
			signal.arm();
			long start = System.nanoTime();
			long started;
			long returned;
			try {
				enqueue.enqueue(i);
				returned = System.nanoTime();
				started = signal.await();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Sample " + i + " did not start", ex);
			}
			if (i >= warmup) {
				pickup.add((started - start) / 1e6);
				calls.add((returned - start) / 1e6);
				afterCalls.add((started - returned) / 1e6);
			}
			if (samples >= 50 && i >= warmup && (i - warmup + 1) % 50 == 0 || samples < 50 && i >= warmup) {
				System.out.printf(Locale.ROOT, "   %d/%d samples, last %.2f ms%n", i - warmup + 1, samples,
						pickup.get(pickup.size() - 1));
			}
		}
		return new Result(new Stats(pickup), new Stats(calls), new Stats(afterCalls));
	}

}

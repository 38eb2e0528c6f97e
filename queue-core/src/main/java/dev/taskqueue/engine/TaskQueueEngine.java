package dev.taskqueue.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.ObjectMapper;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.claim.Poller;
import dev.taskqueue.claim.PollerSettings;
import dev.taskqueue.complete.Completer;
import dev.taskqueue.complete.FailurePolicy;
import dev.taskqueue.enqueue.DefaultTaskQueue;
import dev.taskqueue.execute.Lane;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.lease.LeaseKeeper;
import dev.taskqueue.lease.Rescuer;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.schedule.DefaultTaskSchedules;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.schedule.TaskSchedules;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.store.jdbc.DatabaseClock;
import dev.taskqueue.store.jdbc.JdbcScheduleStore;
import dev.taskqueue.store.jdbc.JdbcTaskStore;
import dev.taskqueue.store.jdbc.PostgresNotificationListener;
import dev.taskqueue.store.jdbc.TaskQueueSchema;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The TaskQueue engine of one node: the queue an application enqueues on, and, unless the node
 * only enqueues, the poller, workers and completer that run tasks. Starts and stops with the
 * application context; on stop it claims nothing more, waits for running tasks up to the
 * shutdown timeout, and hands the unfinished ones back to the queue without counting an
 * attempt.
 * <p>
 * Without Spring Boot, build one with {@link #builder(DataSource, TaskTypeRegistry, ObjectMapper)}
 * and call {@link #start()} and {@link #stop()}.
 *
 * @since 0.1.0
 */
public final class TaskQueueEngine implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TaskQueueEngine.class);

	private static final String POSTGRES_DRIVER = "org.postgresql.PGConnection";

	private final TaskTypeRegistry registry;

	private final TaskStore store;

	private final DefaultTaskQueue queue;

	private final DefaultTaskSchedules schedules;

	private final @Nullable List<ScheduleRequest> declaredSchedules;

	private final DatabaseClock clock;

	private final @Nullable Builder workerSettings;

	private final DataSource dataSource;

	private final Dialect dialect;

	private final String tablePrefix;

	private final TaskQueueMetrics metrics;

	private final TaskQueueSchema schema;

	private final boolean upgradeSchema;

	private final Duration waitForSchema;

	private volatile @Nullable Runtime runtime;

	private volatile boolean running;

	private TaskQueueEngine(Builder builder) {
		this.registry = builder.registry;
		this.dataSource = builder.dataSource;
		this.dialect = (builder.dialect != null) ? builder.dialect : Dialect.of(builder.dataSource);
		this.clock = new DatabaseClock(builder.dataSource, this.dialect, builder.clock);
		this.tablePrefix = builder.tablePrefix;
		PayloadCodec codec = new PayloadCodec(builder.mapper);
		this.store = new JdbcTaskStore(builder.dataSource, this.dialect, builder.tablePrefix, codec,
				builder.workerId);
		this.workerSettings = builder.workerEnabled ? builder : null;
		this.schema = new TaskQueueSchema(builder.dataSource, this.dialect, builder.tablePrefix);
		this.upgradeSchema = builder.upgradeSchema;
		this.waitForSchema = builder.waitForSchema;
		this.queue = new DefaultTaskQueue(this.registry, this.store, codec, this.clock, this::wake, this::cancelLocally);
		this.metrics = TaskQueueMetrics.of(builder.meterRegistry);
		this.schedules = new DefaultTaskSchedules(
				new JdbcScheduleStore(builder.dataSource, this.dialect, builder.tablePrefix, codec, builder.workerId),
				this.registry, codec, this.clock, this.metrics, this::wake);
		this.declaredSchedules = builder.declaredSchedules;
		// Gauges read whichever runtime runs now, so that they survive a stop and start
		this.metrics.gauge(TaskQueueMetrics.WORKER_ACTIVE, "Tasks running on this node",
				() -> (this.runtime != null) ? this.runtime.worker.active() : 0);
		this.metrics.gauge(TaskQueueMetrics.COMPLETIONS_PENDING, "Task outcomes waiting to be written",
				() -> (this.runtime != null) ? this.runtime.completer.pending() : 0);
	}

	/**
	 * Start building an engine.
	 * @param dataSource the DataSource holding the task tables
	 * @param registry the task types
	 * @param mapper the Jackson mapper for payloads and results
	 * @return a builder
	 */
	public static Builder builder(DataSource dataSource, TaskTypeRegistry registry, ObjectMapper mapper) {
		return new Builder(dataSource, registry, mapper);
	}

	/**
	 * Return the queue to enqueue on.
	 * @return the queue
	 */
	public TaskQueue queue() {
		return this.queue;
	}

	/**
	 * Return the cluster's schedules. Worker nodes fire their due slots every poll interval.
	 * @return the schedules
	 */
	public TaskSchedules schedules() {
		return this.schedules;
	}

	/**
	 * Return the node's name, as stored on the tasks it runs; {@code null} on a node that only
	 * enqueues.
	 * @return the worker id, or {@code null}
	 */
	public @Nullable String workerId() {
		return (this.workerSettings != null) ? this.workerSettings.workerId : null;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.schema.check(this.upgradeSchema, this.waitForSchema);
		this.registry.initialize(BeanUtils::instantiateClass);
		this.clock.refresh();
		if (this.declaredSchedules != null) {
			this.schedules.declare(this.declaredSchedules);
		}
		if (this.workerSettings != null) {
			this.runtime = new Runtime(this.workerSettings);
			this.runtime.start();
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		if (this.runtime != null) {
			this.runtime.stop();
			this.runtime = null;
		}
		this.queue.watcher().stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void wake() {
		Runtime runtime = this.runtime;
		if (runtime != null) {
			runtime.poller.wake();
		}
	}

	private void cancelLocally(UUID id) {
		Runtime runtime = this.runtime;
		if (runtime != null) {
			runtime.worker.cancel(id);
		}
	}

	/** The parts that run tasks, created on start and dropped on stop. */
	private final class Runtime {

		/** The most often leases are checked for renewal and lapsed ones looked for. */
		private static final Duration MAX_LEASE_CHECK_INTERVAL = Duration.ofSeconds(1);

		private final Builder settings;

		private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

		private final Completer completer;

		private final Worker worker;

		private final Poller poller;

		private final LeaseKeeper leaseKeeper;

		private final Rescuer rescuer;

		private final @Nullable PostgresNotificationListener listener;

		private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

		Runtime(Builder settings) {
			TaskQueueEngine engine = TaskQueueEngine.this;
			this.settings = settings;
			this.scheduler.setThreadNamePrefix("taskqueue-scheduler-");
			this.scheduler.setPoolSize(4);
			// Retries are woken at their due time, which is the database's
			this.scheduler.setClock(engine.clock);
			DatabaseOutage outage = new DatabaseOutage();
			FailurePolicy failurePolicy = new FailurePolicy(engine.registry, engine.clock);
			this.completer = new Completer(engine.store, engine.clock, settings.completionBatchSize, outage,
					this::written);
			this.worker = new Worker(engine.registry, new PayloadCodec(settings.mapper), this.completer, failurePolicy,
					lanes(), "taskqueue-worker-", engine.metrics, engine.store::parents,
					(id) -> engine.store.find(id).map(TaskState::scheduleSlot).orElse(null), engine.clock);
			this.poller = new Poller(engine.store, this.worker, this.completer, outage,
					new PollerSettings(settings.batchSize, settings.claimAhead, settings.pollInterval, settings.workerId),
					engine.clock, this.scheduler);
			this.worker.onSlotFreed(this.poller::slotFreed);
			this.leaseKeeper = new LeaseKeeper(engine.store, this.worker, outage, settings.workerId, engine.clock);
			this.worker.onHeartbeat(this.leaseKeeper::renewNow);
			this.rescuer = new Rescuer(engine.store, failurePolicy, outage, engine.clock, this.poller::wake);
			String listenSql = engine.dialect.listenSql(JdbcTaskStore.channel(engine.tablePrefix));
			this.listener = (listenSql != null && ClassUtils.isPresent(POSTGRES_DRIVER, null))
					? new PostgresNotificationListener(engine.dataSource, listenSql, settings.workerId,
							this.poller::wake, this.worker::cancel)
					: null;
		}

		/**
		 * One lane per queue given its own concurrency; otherwise one lane shared by every queue
		 * a known type runs on.
		 */
		private List<Lane> lanes() {
			if (!this.settings.queueConcurrency.isEmpty()) {
				List<Lane> lanes = new ArrayList<>();
				this.settings.queueConcurrency.forEach((queue, concurrency) -> lanes.add(new Lane(List.of(queue), concurrency)));
				return lanes;
			}
			List<String> queues = new ArrayList<>(TaskQueueEngine.this.registry.queues());
			return List.of(new Lane(queues.isEmpty() ? List.of("default") : queues, this.settings.concurrency));
		}

		/**
		 * After outcomes are written: released children are new work, a shorter backlog may
		 * let claims go on, retries fall due later, and callers may wait for finished tasks.
		 */
		private void written(List<TaskOutcome> batch, boolean releasedChildren) {
			if (releasedChildren) {
				this.poller.wake();
			}
			else {
				this.poller.backlogShrank();
			}
			Instant firstRetry = null;
			List<UUID> finished = new ArrayList<>(batch.size());
			for (TaskOutcome outcome : batch) {
				Instant retryAt = (outcome instanceof TaskOutcome.Failed failed) ? failed.retryAt() : null;
				if (retryAt == null) {
					finished.add(outcome.id());
				}
				else if (firstRetry == null || retryAt.isBefore(firstRetry)) {
					firstRetry = retryAt;
				}
			}
			if (firstRetry != null) {
				this.poller.wakeAt(firstRetry);
			}
			TaskQueueEngine.this.queue.watcher().check(finished);
		}

		void start() {
			this.scheduler.initialize();
			this.completer.start("taskqueue-completer");
			this.poller.start();
			Duration leaseCheck = min(MAX_LEASE_CHECK_INTERVAL,
					TaskQueueEngine.this.registry.shortestHeartbeat().dividedBy(3));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.leaseKeeper::renewDue, leaseCheck));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.rescuer::rescueExpired,
					min(this.settings.pollInterval, leaseCheck)));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(
					TaskQueueEngine.this.schedules.firing(this.settings.pollInterval), this.settings.pollInterval));
			if (this.listener != null) {
				this.listener.start("taskqueue-listener");
			}
			logger.info("TaskQueue worker " + this.settings.workerId + " started: " + this.worker.lanes());
		}

		/**
		 * Tasks claimed ahead are handed back at once; leases are renewed, and cancels heard,
		 * until the last running task is done.
		 */
		void stop() {
			this.poller.stop();
			handBack(this.worker.dropBuffered(), "unstarted");
			handBack(this.worker.shutdown(this.settings.shutdownTimeout), "unfinished");
			this.schedules.forEach((schedule) -> schedule.cancel(false));
			if (this.listener != null) {
				this.listener.stop();
			}
			this.completer.stop(this.settings.shutdownTimeout);
			this.scheduler.shutdown();
		}

		private void handBack(List<ClaimedTask> tasks, String which) {
			if (tasks.isEmpty()) {
				return;
			}
			try {
				int handedBack = TaskQueueEngine.this.store.handBack(tasks, this.settings.workerId);
				logger.info("Handed " + handedBack + " " + which + " tasks back to the queue");
			}
			catch (RuntimeException ex) {
				logger.warn("Could not hand " + tasks.size() + " " + which
						+ " tasks back; another node takes them back once their lease expires", ex);
			}
		}

		private static Duration min(Duration a, Duration b) {
			return (a.compareTo(b) <= 0) ? a : b;
		}

	}

	/**
	 * Builds a {@link TaskQueueEngine}.
	 */
	public static final class Builder {

		private static final Duration MAX_WAIT_FOR_SCHEMA = Duration.ofDays(1);

		private static final Duration DEFAULT_CLAIM_AHEAD = Duration.ofMillis(50);

		private final DataSource dataSource;

		private final TaskTypeRegistry registry;

		private final ObjectMapper mapper;

		private @Nullable Dialect dialect;

		private String tablePrefix = "TQ_";

		private Clock clock = Clock.systemUTC();

		private boolean workerEnabled = true;

		private int concurrency = 10;

		private int batchSize = 100;

		private Duration claimAhead = DEFAULT_CLAIM_AHEAD;

		private int completionBatchSize = 500;

		private Duration pollInterval = Duration.ofSeconds(1);

		private Duration shutdownTimeout = Duration.ofSeconds(30);

		private final Map<String, Integer> queueConcurrency = new LinkedHashMap<>();

		private String workerId = defaultWorkerId();

		private @Nullable MeterRegistry meterRegistry;

		private boolean upgradeSchema = true;

		private Duration waitForSchema = Duration.ZERO;

		private @Nullable List<ScheduleRequest> declaredSchedules;

		private Builder(DataSource dataSource, TaskTypeRegistry registry, ObjectMapper mapper) {
			this.dataSource = dataSource;
			this.registry = registry;
			this.mapper = mapper;
		}

		/**
		 * Use the given dialect instead of detecting it from the DataSource.
		 * @param dialect the dialect
		 * @return this builder
		 */
		public Builder dialect(Dialect dialect) {
			this.dialect = dialect;
			return this;
		}

		/**
		 * Set the prefix of the task tables ({@code TQ_} by default).
		 * @param tablePrefix the prefix
		 * @return this builder
		 */
		public Builder tablePrefix(String tablePrefix) {
			Assert.isTrue(tablePrefix.matches("[A-Za-z0-9_]*"), () -> "Invalid table prefix '" + tablePrefix
					+ "': only letters, digits and underscores are allowed");
			this.tablePrefix = tablePrefix;
			return this;
		}

		/**
		 * Set the node's own clock (the system UTC clock by default). The engine tells time by
		 * the database's clock: it corrects this one by its offset to the database's, measured
		 * on start and again every 10 seconds, so that nodes whose clocks differ agree on due
		 * times, leases and rescues.
		 * @param clock the node's clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Set whether this node runs tasks, or only enqueues them.
		 * @param workerEnabled whether to run tasks
		 * @return this builder
		 */
		public Builder workerEnabled(boolean workerEnabled) {
			this.workerEnabled = workerEnabled;
			return this;
		}

		/**
		 * Set how many tasks run at once on this node when no queue has slots of its own
		 * (10 by default).
		 * @param concurrency the number of tasks
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			Assert.isTrue(concurrency > 0, "'concurrency' must be positive");
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Set the most tasks one claim takes (100 by default).
		 * @param batchSize the claim batch size
		 * @return this builder
		 */
		public Builder batchSize(int batchSize) {
			Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
			this.batchSize = batchSize;
			return this;
		}

		/**
		 * Set how far ahead a lane claims beyond its free slots (50 milliseconds by default):
		 * it also claims the tasks it expects to start within this time, judging by its recent
		 * handler durations, up to {@link #batchSize(int) batchSize} tasks held in all, running
		 * and waiting, and starts them from a local buffer as slots free. Tasks held so keep
		 * their leases renewed, are dropped when cancelled and are handed back on stop. A lane
		 * whose handlers are slow, or have not ended yet, claims only its free slots; zero turns
		 * claiming ahead off.
		 * @param claimAhead how far ahead to claim
		 * @return this builder
		 */
		public Builder claimAhead(Duration claimAhead) {
			Assert.isTrue(!claimAhead.isNegative() && claimAhead.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'claimAhead' must not be negative or longer than 365 days");
			this.claimAhead = claimAhead;
			return this;
		}

		/**
		 * Set the most outcomes one completion transaction writes (500 by default).
		 * @param completionBatchSize the completion batch size
		 * @return this builder
		 */
		public Builder completionBatchSize(int completionBatchSize) {
			Assert.isTrue(completionBatchSize > 0, "'completionBatchSize' must be positive");
			this.completionBatchSize = completionBatchSize;
			return this;
		}

		/**
		 * Set how often to poll when nothing wakes the poller (1 second by default).
		 * @param pollInterval the poll interval
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero()
					&& pollInterval.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'pollInterval' must be positive and at most 365 days");
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * Set how long stopping waits for running tasks (30 seconds by default).
		 * @param shutdownTimeout the shutdown timeout
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			Assert.isTrue(!shutdownTimeout.isNegative() && shutdownTimeout.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'shutdownTimeout' must not be negative or longer than 365 days");
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Serve a queue with slots of its own: at most {@code concurrency} of its tasks run at
		 * once, however busy other queues are. Once a queue is given here, this node serves only
		 * the queues given here; otherwise it serves every queue a known task type runs on, all
		 * sharing {@link #concurrency(int)} slots.
		 * @param queue the queue name
		 * @param concurrency how many of its tasks run at once
		 * @return this builder
		 */
		public Builder queue(String queue, int concurrency) {
			Assert.hasText(queue, "'queue' must not be empty");
			Assert.isTrue(concurrency > 0, () -> "Concurrency of queue '" + queue + "' must be positive");
			this.queueConcurrency.put(queue, concurrency);
			return this;
		}

		/**
		 * Set the node's name, stored on the tasks it runs (host, process id and a random
		 * suffix by default).
		 * @param workerId the worker id
		 * @return this builder
		 */
		public Builder workerId(String workerId) {
			Assert.hasText(workerId, "'workerId' must not be empty");
			this.workerId = workerId;
			return this;
		}

		/**
		 * Set whether starting upgrades task tables of an older schema version in place
		 * ({@code true} by default). When off, such tables fail the start, naming the
		 * upgrade scripts to run.
		 * @param upgradeSchema whether to upgrade older tables
		 * @return this builder
		 */
		public Builder upgradeSchema(boolean upgradeSchema) {
			this.upgradeSchema = upgradeSchema;
			return this;
		}

		/**
		 * Set how long starting waits for missing task tables to be created, for example by
		 * another node, before it fails (zero by default: missing tables fail the start at
		 * once). At most one day.
		 * @param waitForSchema how long to wait
		 * @return this builder
		 */
		public Builder waitForSchema(Duration waitForSchema) {
			Assert.isTrue(!waitForSchema.isNegative() && waitForSchema.compareTo(MAX_WAIT_FOR_SCHEMA) <= 0,
					() -> "'waitForSchema' must be between 0 and " + MAX_WAIT_FOR_SCHEMA + ", was " + waitForSchema);
			this.waitForSchema = waitForSchema;
			return this;
		}

		/**
		 * Declare the schedules of code and configuration. On start, each is created, or
		 * updated if its declaration changed, and a declared schedule no longer among them is
		 * deleted, so that it stops firing; schedules created through {@link TaskSchedules} are
		 * never touched. Without this call, start leaves every schedule as it is.
		 * @param declared the declared schedules
		 * @return this builder
		 */
		public Builder schedules(Collection<ScheduleRequest> declared) {
			Assert.notNull(declared, "'declared' must not be null");
			this.declaredSchedules = List.copyOf(declared);
			return this;
		}

		/**
		 * Record metrics in the given registry (none by default).
		 * @param meterRegistry the registry
		 * @return this builder
		 */
		public Builder meterRegistry(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
			return this;
		}

		/**
		 * Build the engine.
		 * @return the engine, not yet started
		 */
		public TaskQueueEngine build() {
			return new TaskQueueEngine(this);
		}

		private static String defaultWorkerId() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "localhost";
			}
			return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
		}

	}

}

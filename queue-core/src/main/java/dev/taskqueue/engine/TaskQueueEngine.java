package dev.taskqueue.engine;

import java.lang.management.ManagementFactory;
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
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.ObjectMapper;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.browse.AuditTrail;
import dev.taskqueue.browse.TaskBrowser;
import dev.taskqueue.claim.ClaimBudget;
import dev.taskqueue.claim.Poller;
import dev.taskqueue.claim.PollerSettings;
import dev.taskqueue.complete.Completer;
import dev.taskqueue.complete.FailurePolicy;
import dev.taskqueue.daemon.DaemonHandler;
import dev.taskqueue.daemon.DaemonRegistry;
import dev.taskqueue.daemon.DaemonSupervisor;
import dev.taskqueue.daemon.TaskDaemons;
import dev.taskqueue.enqueue.DefaultTaskQueue;
import dev.taskqueue.execute.Lane;
import dev.taskqueue.execute.ProgressWriter;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.lease.LeaseKeeper;
import dev.taskqueue.lease.Rescuer;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.RunLimitListener;
import dev.taskqueue.retention.RetentionPolicy;
import dev.taskqueue.retention.RetentionSweeper;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.schedule.DefaultTaskSchedules;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.schedule.TaskSchedules;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.store.jdbc.DatabaseClock;
import dev.taskqueue.store.jdbc.JdbcAuditTrail;
import dev.taskqueue.store.jdbc.JdbcTaskBrowser;
import dev.taskqueue.store.jdbc.JdbcScheduleStore;
import dev.taskqueue.store.jdbc.JdbcDaemonStore;
import dev.taskqueue.store.jdbc.JdbcLeaseStore;
import dev.taskqueue.store.jdbc.JdbcNodeStore;
import dev.taskqueue.store.jdbc.JdbcRetentionStore;
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
 * attempt. A node that runs tasks also deletes finished tasks once their
 * {@link Builder#retention(RetentionPolicy) retention} is over, when it holds the cluster's
 * retention lease.
 * <p>
 * A node that runs tasks registers in the database under its {@link #workerId() worker id}
 * and heartbeats there while it runs; {@link #nodes()} lists the live nodes. It may be given
 * run limits (a number of tasks, a run time, a memory limit) after which it claims nothing
 * more, finishes what it holds, and tells its {@link RunLimitListener}.
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

	private final JdbcNodeStore nodeStore;

	private final TaskBrowser browser;

	private final AuditTrail auditTrail;

	private final DefaultTaskQueue queue;

	private final DefaultTaskSchedules schedules;

	private final @Nullable Collection<ScheduleRequest> declaredSchedules;

	private final DatabaseClock clock;

	private final @Nullable Builder workerSettings;

	private final DataSource dataSource;

	private final Dialect dialect;

	private final String tablePrefix;

	private final TaskQueueMetrics metrics;

	private final CachedRead<TaskCounts> taskCounts;

	private final CachedRead<List<NodeInfo>> liveNodes;

	private final TaskQueueSchema schema;

	private final boolean upgradeSchema;

	private final Duration waitForSchema;

	private final DaemonSupervisor daemons;

	private boolean hasDaemons;

	private volatile @Nullable Runtime runtime;

	private volatile boolean running;

	private TaskQueueEngine(Builder builder) {
		this.registry = builder.registry;
		this.dataSource = builder.dataSource;
		this.dialect = (builder.dialect != null) ? builder.dialect : Dialect.of(builder.dataSource);
		this.clock = new DatabaseClock(builder.dataSource, this.dialect, builder.clock);
		this.tablePrefix = builder.tablePrefix;
		PayloadCodec codec = new PayloadCodec(builder.mapper);
		this.metrics = TaskQueueMetrics.of(builder.meterRegistry, builder.observationRegistry);
		this.store = new JdbcTaskStore(builder.dataSource, this.dialect, builder.tablePrefix, codec,
				builder.workerId, this.metrics);
		this.nodeStore = new JdbcNodeStore(builder.dataSource, this.dialect, builder.tablePrefix);
		this.browser = new JdbcTaskBrowser(builder.dataSource, this.dialect, builder.tablePrefix, codec);
		this.auditTrail = new JdbcAuditTrail(builder.dataSource, this.dialect, builder.tablePrefix);
		this.workerSettings = builder.workerEnabled ? builder : null;
		this.schema = new TaskQueueSchema(builder.dataSource, this.dialect, builder.tablePrefix);
		this.upgradeSchema = builder.upgradeSchema;
		this.waitForSchema = builder.waitForSchema;
		this.taskCounts = new CachedRead<>(() -> this.store.countUnfinished(this.clock.instant()),
				builder.taskCountsRefreshInterval, this.metrics::countsRead);
		this.liveNodes = new CachedRead<>(() -> this.nodeStore.live(this.clock.instant()),
				builder.taskCountsRefreshInterval, (nodes) -> {
				});
		this.queue = new DefaultTaskQueue(this.registry, this.store, codec, this.clock, this::wake, this::setAsideRoom,
				this::cancelLocally, this::insertClaiming);
		builder.builderDaemons.forEach((daemon) -> daemon.accept(builder.daemonRegistry));
		this.daemons = new DaemonSupervisor(builder.daemonRegistry,
				new JdbcDaemonStore(builder.dataSource, this.dialect, builder.tablePrefix), this.clock, builder.workerId,
				builder.daemonLease, builder.minDaemonRestartDelay, builder.maxDaemonRestartDelay);
		this.schedules = new DefaultTaskSchedules(
				new JdbcScheduleStore(builder.dataSource, this.dialect, builder.tablePrefix, codec, builder.workerId,
						this.metrics),
				this.registry, codec, this.clock, this.metrics, this::wake);
		this.declaredSchedules = builder.declaredSchedules;
		// Gauges read whichever runtime runs now, so that they survive a stop and start
		this.metrics.gauge(TaskQueueMetrics.WORKER_ACTIVE, "Tasks running on this node",
				() -> (this.runtime != null) ? this.runtime.worker.active() : 0);
		this.metrics.gauge(TaskQueueMetrics.COMPLETIONS_PENDING, "Task outcomes waiting to be written",
				() -> (this.runtime != null) ? this.runtime.completer.pending() : 0);
		this.metrics.bindTaskCounts(this.taskCounts::getIfAvailable, this.registry.queues());
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
	 * Return the API that lists, starts, stops and restarts the cluster's daemons. It works on
	 * every node, including one that only enqueues; daemons run only on nodes that run tasks.
	 * @return the daemons API
	 */
	public TaskDaemons daemons() {
		return this.daemons.control();
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

	/**
	 * Return the live nodes of the cluster: those running workers whose heartbeat has not
	 * lapsed, by worker id. A node that only enqueues is not listed.
	 * @return the live nodes
	 */
	public List<NodeInfo> nodes() {
		return this.nodeStore.live(this.clock.instant());
	}

	/**
	 * Return what operators read: tasks and jobs a page at a time, flows and throughput.
	 * @return the browser
	 */
	public TaskBrowser browser() {
		return this.browser;
	}

	/**
	 * Return the record of the actions operators took.
	 * @return the audit trail
	 */
	public AuditTrail auditTrail() {
		return this.auditTrail;
	}

	/**
	 * Return the current time by the database's clock, which every node shares.
	 * @return the time
	 */
	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * Return the live nodes like {@link #nodes()}, but read at most once per
	 * {@link Builder#taskCountsRefreshInterval(Duration) refresh interval}, as task counts
	 * are: for health checks, which may be polled often.
	 * @return the live nodes, at most one refresh interval old
	 * @throws org.springframework.dao.DataAccessException if they had to be read and the node
	 * table cannot be reached
	 */
	public List<NodeInfo> recentNodes() {
		return this.liveNodes.get();
	}

	/**
	 * Return how many unfinished tasks each queue holds, per type and status, and how long the
	 * oldest due task has waited. The counts are read by one query that skips finished tasks,
	 * at most once per {@link Builder#taskCountsRefreshInterval(Duration) refresh interval};
	 * gauges share them.
	 * @return the counts, at most one refresh interval old
	 * @throws org.springframework.dao.DataAccessException if they had to be read and the task
	 * tables cannot be reached
	 */
	public TaskCounts taskCounts() {
		return this.taskCounts.get();
	}

	/**
	 * Start the engine and, unless it only enqueues, register the node and start its workers.
	 * @throws dev.taskqueue.node.WorkerIdInUseException if a live node holds this node's
	 * worker id
	 */
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
		this.hasDaemons = this.daemons.declare();
		if (this.workerSettings != null) {
			Runtime runtime = new Runtime(this.workerSettings);
			runtime.start();
			this.runtime = runtime;
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

	private int laneOrNone(int index, ToIntFunction<Lane> value) {
		Runtime runtime = this.runtime;
		return (runtime != null) ? value.applyAsInt(runtime.worker.lanes().get(index)) : 0;
	}

	private void wake() {
		Runtime runtime = this.runtime;
		if (runtime != null) {
			runtime.poller.wake();
		}
	}

	private boolean setAsideRoom(Map<String, Integer> readyPerQueue) {
		Runtime runtime = this.runtime;
		return runtime != null && runtime.poller.setAsideRoom(readyPerQueue);
	}

	private boolean insertClaiming(List<NewTask> tasks) {
		Runtime runtime = this.runtime;
		// The store's check first: where it cannot, the poller is not disturbed
		return runtime != null && this.store.canInsertAndClaim(tasks)
				&& runtime.poller.insertClaiming(tasks.get(0).queue(),
						tasks.stream().map(NewTask::id).collect(Collectors.toSet()), (queue, limit, worker, now,
								leaseUntil) -> this.store.insertAndClaim(tasks, queue, limit, worker, now, leaseUntil));
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

		private final ProgressWriter progressWriter;

		private final Rescuer rescuer;

		private final NodeRegistration registration;

		private final RunLimiter limiter;

		private final @Nullable PostgresNotificationListener listener;

		private final @Nullable RetentionSweeper retention;

		private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

		/** The firing of schedules and the daemon polls, which a node that gives way ends. */
		private final ClusterDuties clusterDuties = new ClusterDuties();

		Runtime(Builder settings) {
			TaskQueueEngine engine = TaskQueueEngine.this;
			this.settings = settings;
			this.scheduler.setThreadNamePrefix("taskqueue-scheduler-");
			// Two threads more than polls, lease checks and rescues need: retention rounds and
			// schedule firing may take a while
			this.scheduler.setPoolSize(5);
			// Retries are woken at their due time, which is the database's
			this.scheduler.setClock(engine.clock);
			DatabaseOutage outage = new DatabaseOutage();
			FailurePolicy failurePolicy = new FailurePolicy(engine.registry, engine.clock);
			this.completer = new Completer(engine.store, engine.clock, settings.completionBatchSize, outage,
					new Completer.Listener() {

						@Override
						public void written(List<TaskOutcome> batch, boolean releasedChildren) {
							Runtime.this.written(batch, releasedChildren);
						}

						@Override
						public void recorded(ClaimedTask task, TaskOutcome outcome, boolean timedOut) {
							engine.metrics.recorded(task, outcome, timedOut);
						}

					});
			this.worker = new Worker(engine.registry, new PayloadCodec(settings.mapper), this.completer, failurePolicy,
					lanes(), "taskqueue-worker-", engine.metrics, engine.store::parents,
					(id) -> engine.store.find(id).map(TaskState::scheduleSlot).orElse(null), engine.clock);
			ClaimBudget budget = (settings.maxTasks > 0) ? ClaimBudget.of(settings.maxTasks) : ClaimBudget.unlimited();
			this.poller = new Poller(engine.store, this.worker, this.completer, outage,
					new PollerSettings(settings.batchSize, settings.claimAhead, settings.pollInterval, settings.workerId),
					engine.clock, this.scheduler, budget, engine.metrics);
			this.limiter = new RunLimiter(budget, settings.maxRuntime, settings.memoryLimit,
					() -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
					this.worker, settings.runLimitListener, settings.workerId);
			// Limits before the slot is freed, so that a node that reached one does not claim for
			// it; once it is free, whether the node is idle
			this.worker.onAttemptEnded(this.limiter::taskEnded);
			this.worker.onSlotFreed((lane) -> {
				this.limiter.check();
				this.poller.slotFreed(lane);
			});
			this.registration = new NodeRegistration(engine.nodeStore, settings.workerId,
					this.worker.lanes().stream().map((lane) -> new NodeInfo.Lane(lane.queues(), lane.concurrency())).toList(),
					settings.nodeHeartbeatInterval, settings.nodeExpiry, engine.clock, this.worker::active,
					this::giveWay);
			this.leaseKeeper = new LeaseKeeper(engine.store, this.worker, outage, settings.workerId, engine.clock);
			this.worker.onHeartbeat(this.leaseKeeper::renewNow);
			this.progressWriter = new ProgressWriter(engine.store, this.worker, outage);
			this.rescuer = new Rescuer(engine.store, failurePolicy, outage, engine.clock, this.poller::wake,
					engine.metrics);
			List<Lane> lanes = this.worker.lanes();
			for (int i = 0; i < lanes.size(); i++) {
				int index = i;
				// Read through the engine, so that the gauges survive a stop and start
				engine.metrics.laneSlots(lanes.get(i).queues(), () -> engine.laneOrNone(index, Lane::active),
						() -> engine.laneOrNone(index, Lane::concurrency));
			}
			String channel = JdbcTaskStore.channel(engine.tablePrefix);
			String listenSql = engine.dialect.listenSql(channel);
			String unlistenSql = engine.dialect.unlistenSql(channel);
			this.listener = (listenSql != null && unlistenSql != null && ClassUtils.isPresent(POSTGRES_DRIVER, null))
					? new PostgresNotificationListener(engine.dataSource, listenSql, unlistenSql, settings.workerId,
							this.poller::claimHere, this.worker::cancel)
					: null;
			this.retention = settings.retention.deletesAnything() ? new RetentionSweeper(
					new JdbcRetentionStore(engine.dataSource, engine.dialect, engine.tablePrefix),
					new JdbcLeaseStore(engine.dataSource, engine.dialect, engine.tablePrefix), settings.retention,
					new RetentionSweeper.Settings(settings.retentionBatchSize, settings.retentionInterval,
							settings.retentionTimeBudget, settings.retentionPause),
					settings.workerId, engine.clock, outage, engine.metrics) : null;
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
				Instant retryAt = (outcome instanceof TaskOutcome.Failed failed) ? failed.retryAt()
						: (outcome instanceof TaskOutcome.Postponed postponed) ? postponed.runAt() : null;
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
			this.registration.register();
			this.scheduler.initialize();
			this.completer.start("taskqueue-completer");
			this.poller.start();
			this.limiter.start(this.scheduler, TaskQueueEngine.this.clock);
			Duration leaseCheck = min(MAX_LEASE_CHECK_INTERVAL,
					TaskQueueEngine.this.registry.shortestHeartbeat().dividedBy(3));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.leaseKeeper::renewDue, leaseCheck));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.progressWriter::writeLatest,
					this.settings.progressInterval));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.rescuer::rescueExpired,
					min(this.settings.pollInterval, leaseCheck)));
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.limiter::check, MAX_LEASE_CHECK_INTERVAL));
			this.clusterDuties.schedule(this.scheduler, TaskQueueEngine.this.schedules.firing(this.settings.pollInterval),
					this.settings.pollInterval);
			if (this.listener != null) {
				this.listener.start("taskqueue-listener");
			}
			if (TaskQueueEngine.this.hasDaemons) {
				TaskQueueEngine.this.daemons.start(this.settings.daemonPollInterval);
				this.clusterDuties.schedule(this.scheduler, TaskQueueEngine.this.daemons::poll,
						this.settings.daemonPollInterval);
			}
			if (this.retention != null) {
				this.retention.start(this.scheduler);
			}
			// Last, so that a node giving way stops all that started
			this.schedules.add(this.scheduler.scheduleWithFixedDelay(this.registration::heartbeat,
					this.settings.nodeHeartbeatInterval));
			logger.info("TaskQueue worker " + this.settings.workerId + " started: " + this.worker.lanes());
		}

		/**
		 * Tasks claimed ahead are handed back at once; leases are renewed, and cancels heard,
		 * until the last running task is done.
		 */
		void stop() {
			this.clusterDuties.end(this.settings.shutdownTimeout);
			if (this.retention != null) {
				this.retention.stop();
			}
			TaskQueueEngine.this.daemons.stop(this.settings.shutdownTimeout);
			this.poller.stop();
			handBack(this.worker.dropBuffered(), "unstarted");
			handBack(this.worker.shutdown(this.settings.shutdownTimeout), "unfinished");
			this.schedules.forEach((schedule) -> schedule.cancel(false));
			if (this.listener != null) {
				this.listener.stop();
			}
			this.completer.stop(this.settings.shutdownTimeout);
			this.limiter.stop();
			this.scheduler.shutdown();
			this.registration.deregister();
		}

		/**
		 * Give way to the node that took this node's worker id over: claim no more, and stop
		 * what runs under the id rather than under a claim (daemons, schedule firing and
		 * retention) without releasing the leases the other node now holds under it. Running
		 * tasks keep their leases renewed and their outcomes written, as at a run limit.
		 */
		private void giveWay() {
			this.limiter.workerIdTaken();
			this.clusterDuties.end(this.settings.shutdownTimeout);
			if (this.retention != null) {
				this.retention.abandon();
			}
			TaskQueueEngine.this.daemons.giveWay();
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

		private static final Duration DEFAULT_NODE_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

		private static final Duration DEFAULT_NODE_EXPIRY = Duration.ofSeconds(30);

		private static final int MAX_RETENTION_BATCH_SIZE = 1000;

		private static final Duration MAX_RETENTION_TIME_BUDGET = Duration.ofHours(1);

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

		private @Nullable ObservationRegistry observationRegistry;

		private Duration taskCountsRefreshInterval = Duration.ofSeconds(15);

		private boolean upgradeSchema = true;

		private Duration waitForSchema = Duration.ZERO;

		private DaemonRegistry daemonRegistry = new DaemonRegistry();

		private final List<Consumer<DaemonRegistry>> builderDaemons = new ArrayList<>();

		private Duration daemonLease = Duration.ofSeconds(30);

		private Duration daemonPollInterval = Duration.ofSeconds(1);

		private Duration minDaemonRestartDelay = Duration.ofSeconds(1);

		private Duration maxDaemonRestartDelay = Duration.ofMinutes(5);

		private Duration nodeHeartbeatInterval = DEFAULT_NODE_HEARTBEAT_INTERVAL;

		private Duration progressInterval = Duration.ofSeconds(1);

		private Duration nodeExpiry = DEFAULT_NODE_EXPIRY;

		private long maxTasks;

		private @Nullable Duration maxRuntime;

		private @Nullable DataSize memoryLimit;

		private RunLimitListener runLimitListener = (limit) -> {
		};

		private RetentionPolicy retention = RetentionPolicy.defaults();

		private int retentionBatchSize = 500;

		private Duration retentionInterval = Duration.ofMinutes(1);

		private Duration retentionTimeBudget = Duration.ofSeconds(1);

		private Duration retentionPause = Duration.ofSeconds(9);

		private @Nullable Collection<ScheduleRequest> declaredSchedules;

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
		 * Set the node's name, stored on the tasks it runs and in the registry of nodes
		 * (host, process id and a random suffix by default). Give a stable id to a node that
		 * should run once: while a live node holds an id, another node with that id refuses
		 * to start; once the holder's heartbeat has lapsed, the id can be taken over.
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
		 * Set how often the node writes the progress its running tasks reported (1 second by
		 * default): the latest report of each task, all in one batch, however often handlers
		 * report. The last report of an attempt is written with its outcome.
		 * @param progressInterval the interval
		 * @return this builder
		 */
		public Builder progressInterval(Duration progressInterval) {
			Assert.isTrue(!progressInterval.isNegative() && !progressInterval.isZero()
					&& progressInterval.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'progressInterval' must be positive and at most 365 days");
			this.progressInterval = progressInterval;
			return this;
		}

		/**
		 * Set how often the node records its heartbeat in the registry of nodes (10 seconds by
		 * default).
		 * @param nodeHeartbeatInterval the heartbeat interval
		 * @return this builder
		 * @see #nodeExpiry(Duration)
		 */
		public Builder nodeHeartbeatInterval(Duration nodeHeartbeatInterval) {
			Assert.isTrue(!nodeHeartbeatInterval.isNegative() && !nodeHeartbeatInterval.isZero()
					&& nodeHeartbeatInterval.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'nodeHeartbeatInterval' must be positive and at most 365 days");
			this.nodeHeartbeatInterval = nodeHeartbeatInterval;
			return this;
		}

		/**
		 * Set how long after its last heartbeat a node counts as dead (30 seconds by default):
		 * it is no longer listed, any node deletes its row, and its worker id can be taken
		 * over. Must be longer than the {@link #nodeHeartbeatInterval(Duration) heartbeat
		 * interval}.
		 * @param nodeExpiry the expiry
		 * @return this builder
		 */
		public Builder nodeExpiry(Duration nodeExpiry) {
			Assert.isTrue(!nodeExpiry.isNegative() && !nodeExpiry.isZero() && nodeExpiry.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'nodeExpiry' must be positive and at most 365 days");
			this.nodeExpiry = nodeExpiry;
			return this;
		}

		/**
		 * Stop claiming once the node has claimed this many tasks (0, the default, for no
		 * limit); see {@link #runLimitListener(RunLimitListener)}.
		 * @param maxTasks the most tasks to claim
		 * @return this builder
		 */
		public Builder maxTasks(long maxTasks) {
			Assert.isTrue(maxTasks >= 0, "'maxTasks' must not be negative");
			this.maxTasks = maxTasks;
			return this;
		}

		/**
		 * Stop claiming once the node has run this long (no limit by default); see
		 * {@link #runLimitListener(RunLimitListener)}.
		 * @param maxRuntime the longest run time, or {@code null} for no limit
		 * @return this builder
		 */
		public Builder maxRuntime(@Nullable Duration maxRuntime) {
			Assert.isTrue(maxRuntime == null || (!maxRuntime.isNegative() && !maxRuntime.isZero()),
					"'maxRuntime' must be positive");
			this.maxRuntime = maxRuntime;
			return this;
		}

		/**
		 * Stop claiming once the heap in use, measured each time a task ends, reaches this
		 * size (no limit by default). The heap in use includes garbage not yet collected, so
		 * leave room for it below the JVM's maximum heap. See
		 * {@link #runLimitListener(RunLimitListener)}.
		 * @param memoryLimit the memory limit, or {@code null} for no limit
		 * @return this builder
		 */
		public Builder memoryLimit(@Nullable DataSize memoryLimit) {
			Assert.isTrue(memoryLimit == null || memoryLimit.toBytes() > 0, "'memoryLimit' must be positive");
			this.memoryLimit = memoryLimit;
			return this;
		}

		/**
		 * Set what to tell once the node has reached a run limit ({@link #maxTasks(long)},
		 * {@link #maxRuntime(Duration)}, {@link #memoryLimit(DataSize)}) and its last task has
		 * ended (nothing by default: the node stays up, claiming nothing). A listener typically
		 * stops the application, so that a process manager starts a fresh one.
		 * @param runLimitListener the listener
		 * @return this builder
		 */
		public Builder runLimitListener(RunLimitListener runLimitListener) {
			this.runLimitListener = runLimitListener;
			return this;
		}

		/**
		 * Set how long finished tasks and jobs are kept before a worker node deletes them
		 * ({@link RetentionPolicy#defaults()} by default: succeeded and cancelled ones 1 day,
		 * failed ones 7 days). {@link RetentionPolicy#keepEverything()} deletes nothing.
		 * @param retention the retention policy
		 * @return this builder
		 */
		public Builder retention(RetentionPolicy retention) {
			this.retention = retention;
			return this;
		}

		/**
		 * Set the most rows one retention batch deletes, each batch in a short transaction of
		 * its own (500 by default, at most 1000).
		 * @param retentionBatchSize the batch size
		 * @return this builder
		 */
		public Builder retentionBatchSize(int retentionBatchSize) {
			Assert.isTrue(retentionBatchSize > 0 && retentionBatchSize <= MAX_RETENTION_BATCH_SIZE,
					() -> "'retentionBatchSize' must be between 1 and " + MAX_RETENTION_BATCH_SIZE);
			this.retentionBatchSize = retentionBatchSize;
			return this;
		}

		/**
		 * Set how long after a retention round that deleted everything due the next one
		 * starts (1 minute by default). A round cut short by its time budget is followed
		 * after the {@link #retentionPause(Duration) pause}.
		 * @param retentionInterval the interval
		 * @return this builder
		 */
		public Builder retentionInterval(Duration retentionInterval) {
			Assert.isTrue(!retentionInterval.isNegative() && !retentionInterval.isZero()
					&& retentionInterval.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'retentionInterval' must be positive and at most 365 days");
			this.retentionInterval = retentionInterval;
			return this;
		}

		/**
		 * Set how long one retention round deletes at most before it stops after its current
		 * batch (1 second by default, at most 1 hour).
		 * @param retentionTimeBudget the time budget
		 * @return this builder
		 */
		public Builder retentionTimeBudget(Duration retentionTimeBudget) {
			Assert.isTrue(!retentionTimeBudget.isNegative() && !retentionTimeBudget.isZero()
					&& retentionTimeBudget.compareTo(MAX_RETENTION_TIME_BUDGET) <= 0,
					"'retentionTimeBudget' must be positive and at most 1 hour");
			this.retentionTimeBudget = retentionTimeBudget;
			return this;
		}

		/**
		 * Set how long after a retention round that its time budget cut short, with more to
		 * delete, the next one starts (9 seconds by default: with the default budget of 1
		 * second, deleting a backlog takes a tenth of one connection's time).
		 * @param retentionPause the pause
		 * @return this builder
		 */
		public Builder retentionPause(Duration retentionPause) {
			Assert.isTrue(!retentionPause.isNegative() && !retentionPause.isZero()
					&& retentionPause.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'retentionPause' must be positive and at most 365 days");
			this.retentionPause = retentionPause;
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
			// Read on start, not now: @Task methods of beans created after the engine add to it
			this.declaredSchedules = declared;
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
		 * Observe each task execution in the given registry (none by default), so that
		 * tracing covers handlers where the application has it.
		 * @param observationRegistry the registry
		 * @return this builder
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
			return this;
		}

		/**
		 * Set how long {@link TaskQueueEngine#taskCounts() task counts} are reused before
		 * one query reads them anew (15 seconds by default). Gauges, health and the
		 * operator's endpoint share them. The {@link TaskQueueEngine#recentNodes() recent
		 * nodes} are reused as long.
		 * @param taskCountsRefreshInterval the refresh interval
		 * @return this builder
		 */
		public Builder taskCountsRefreshInterval(Duration taskCountsRefreshInterval) {
			Assert.isTrue(!taskCountsRefreshInterval.isNegative()
					&& taskCountsRefreshInterval.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'taskCountsRefreshInterval' must not be negative or longer than 365 days");
			this.taskCountsRefreshInterval = taskCountsRefreshInterval;
			return this;
		}

		/**
		 * Use the given registry of daemons, which {@code @Daemon} methods are registered with
		 * (an empty one by default). Daemons added with {@link #daemon(String, DaemonHandler)}
		 * are added to it on {@link #build()}.
		 * @param daemonRegistry the daemons
		 * @return this builder
		 */
		public Builder daemons(DaemonRegistry daemonRegistry) {
			this.daemonRegistry = daemonRegistry;
			return this;
		}

		/**
		 * Declare a daemon that starts on its own.
		 * @param name its name, unique in the application
		 * @param handler its body
		 * @return this builder
		 */
		public Builder daemon(String name, DaemonHandler handler) {
			return daemon(name, handler, true);
		}

		/**
		 * Declare a daemon.
		 * @param name its name, unique in the application
		 * @param handler its body
		 * @param autoStart whether it runs without being started through {@link #daemons()}
		 * when the database does not know it yet
		 * @return this builder
		 */
		public Builder daemon(String name, DaemonHandler handler, boolean autoStart) {
			this.builderDaemons.add((registry) -> registry.register(name, handler, autoStart,
					"TaskQueueEngine.Builder#daemon"));
			return this;
		}

		/**
		 * Set how long a node holds a daemon's lease without renewing it (30 seconds by
		 * default). The node renews it every third of that while the daemon runs; once a
		 * node dies, another takes its daemons over after at most this long and one poll.
		 * @param daemonLease the lease
		 * @return this builder
		 */
		public Builder daemonLease(Duration daemonLease) {
			Assert.isTrue(!daemonLease.isNegative() && !daemonLease.isZero()
					&& daemonLease.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'daemonLease' must be positive and at most 365 days");
			this.daemonLease = daemonLease;
			return this;
		}

		/**
		 * Set how often a node looks for daemons to take, stop or renew (1 second by default):
		 * a start, stop or restart from any node is seen within this long. At most a third of
		 * the {@link #daemonLease(Duration) lease}.
		 * @param daemonPollInterval the poll interval
		 * @return this builder
		 */
		public Builder daemonPollInterval(Duration daemonPollInterval) {
			Assert.isTrue(!daemonPollInterval.isNegative() && !daemonPollInterval.isZero(),
					"'daemonPollInterval' must be positive");
			this.daemonPollInterval = daemonPollInterval;
			return this;
		}

		/**
		 * Set the backoff before a daemon whose method returned or threw runs again: the
		 * shortest after a first crash (1 second by default), doubled after each crash in a row
		 * up to the longest (5 minutes by default). A daemon that ran longer than the longest
		 * starts over from the shortest.
		 * @param min the shortest backoff
		 * @param max the longest backoff
		 * @return this builder
		 */
		public Builder daemonRestartDelay(Duration min, Duration max) {
			Assert.isTrue(!min.isNegative() && !min.isZero(), "'minDaemonRestartDelay' must be positive");
			Assert.isTrue(max.compareTo(min) >= 0 && max.compareTo(TaskOptions.MAX_DURATION) <= 0,
					"'maxDaemonRestartDelay' must be at least 'minDaemonRestartDelay' and at most 365 days");
			this.minDaemonRestartDelay = min;
			this.maxDaemonRestartDelay = max;
			return this;
		}

		/**
		 * Build the engine.
		 * @return the engine, not yet started
		 * @throws IllegalArgumentException if the daemon poll interval is longer than a third
		 * of the daemon lease
		 */
		public TaskQueueEngine build() {
			Assert.isTrue(this.daemonPollInterval.compareTo(this.daemonLease.dividedBy(3)) <= 0,
					() -> "'daemonPollInterval' (" + this.daemonPollInterval
							+ ") must be at most a third of 'daemonLease' (" + this.daemonLease + ")");
			Assert.isTrue(this.nodeExpiry.compareTo(this.nodeHeartbeatInterval) > 0, () -> "'nodeExpiry' (" + this.nodeExpiry
					+ ") must be longer than 'nodeHeartbeatInterval' (" + this.nodeHeartbeatInterval + ")");
			return new TaskQueueEngine(this);
		}

		private static String defaultWorkerId() {
			return NodeRegistration.hostName() + "-" + ProcessHandle.current().pid() + "-"
					+ UUID.randomUUID().toString().substring(0, 8);
		}

	}

}

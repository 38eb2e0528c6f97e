package dev.taskqueue.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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

import dev.taskqueue.TaskQueue;
import dev.taskqueue.claim.Poller;
import dev.taskqueue.claim.PollerSettings;
import dev.taskqueue.complete.Completer;
import dev.taskqueue.enqueue.DefaultTaskQueue;
import dev.taskqueue.execute.Worker;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.store.jdbc.JdbcTaskStore;
import dev.taskqueue.store.jdbc.PostgresNotificationListener;
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

	private final Clock clock;

	private final @Nullable Builder workerSettings;

	private final DataSource dataSource;

	private final Dialect dialect;

	private final String tablePrefix;

	private @Nullable Runtime runtime;

	private volatile boolean running;

	private TaskQueueEngine(Builder builder) {
		this.registry = builder.registry;
		this.clock = builder.clock;
		this.dataSource = builder.dataSource;
		this.dialect = (builder.dialect != null) ? builder.dialect : Dialect.of(builder.dataSource);
		this.tablePrefix = builder.tablePrefix;
		PayloadCodec codec = new PayloadCodec(builder.mapper);
		this.store = new JdbcTaskStore(builder.dataSource, this.dialect, builder.tablePrefix, codec,
				builder.workerId);
		this.workerSettings = builder.workerEnabled ? builder : null;
		this.queue = new DefaultTaskQueue(this.registry, this.store, codec, this.clock, this::wake, this::cancelLocally);
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
		this.registry.initialize(BeanUtils::instantiateClass);
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

		private final Builder settings;

		private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

		private final Completer completer;

		private final Worker worker;

		private final Poller poller;

		private final @Nullable PostgresNotificationListener listener;

		Runtime(Builder settings) {
			this.settings = settings;
			this.scheduler.setThreadNamePrefix("taskqueue-poller-");
			this.scheduler.setPoolSize(1);
			this.completer = new Completer(TaskQueueEngine.this.store, TaskQueueEngine.this.clock,
					settings.completionBatchSize, this::afterWrite);
			TaskQueueMetrics metrics = TaskQueueMetrics.of(settings.meterRegistry);
			this.worker = new Worker(TaskQueueEngine.this.registry, new PayloadCodec(settings.mapper), this.completer,
					settings.concurrency, "taskqueue-worker-", metrics);
			metrics.gauge(TaskQueueMetrics.WORKER_ACTIVE, "Tasks running on this node", this.worker::active);
			metrics.gauge(TaskQueueMetrics.COMPLETIONS_PENDING, "Task outcomes waiting to be written",
					this.completer::pending);
			List<String> queues = !settings.queues.isEmpty() ? settings.queues
					: new ArrayList<>(TaskQueueEngine.this.registry.queues());
			if (queues.isEmpty()) {
				queues = List.of("default");
			}
			this.poller = new Poller(TaskQueueEngine.this.store, this.worker, this.completer,
					new PollerSettings(queues, settings.batchSize, settings.pollInterval, settings.lease,
							settings.workerId),
					TaskQueueEngine.this.clock, this.scheduler);
			this.worker.onSlotFreed(this.poller::slotFreed);
			String listenSql = TaskQueueEngine.this.dialect
				.listenSql(JdbcTaskStore.channel(TaskQueueEngine.this.tablePrefix));
			this.listener = (listenSql != null && ClassUtils.isPresent(POSTGRES_DRIVER, null))
					? new PostgresNotificationListener(TaskQueueEngine.this.dataSource, listenSql, settings.workerId,
							this.poller::wake)
					: null;
		}

		/** Released children are new work; a shorter completion backlog may let claims go on. */
		private void afterWrite(boolean releasedChildren) {
			if (releasedChildren) {
				this.poller.wake();
			}
			else {
				this.poller.slotFreed();
			}
		}

		void start() {
			this.scheduler.initialize();
			this.completer.start("taskqueue-completer");
			this.poller.start();
			if (this.listener != null) {
				this.listener.start("taskqueue-listener");
			}
			logger.info("TaskQueue worker " + this.settings.workerId + " started: " + this.settings.concurrency
					+ " threads");
		}

		void stop() {
			this.poller.stop();
			if (this.listener != null) {
				this.listener.stop();
			}
			Set<UUID> unfinished = this.worker.shutdown(this.settings.shutdownTimeout);
			if (!unfinished.isEmpty()) {
				try {
					int handedBack = TaskQueueEngine.this.store.handBack(unfinished, this.settings.workerId);
					logger.info("Handed " + handedBack + " unfinished tasks back to the queue");
				}
				catch (RuntimeException ex) {
					logger.warn("Could not hand " + unfinished.size()
							+ " unfinished tasks back; they stay RUNNING until rescued: cancel and retry them", ex);
				}
			}
			this.completer.stop(this.settings.shutdownTimeout);
			this.scheduler.shutdown();
		}

	}

	/**
	 * Builds a {@link TaskQueueEngine}.
	 */
	public static final class Builder {

		private final DataSource dataSource;

		private final TaskTypeRegistry registry;

		private final ObjectMapper mapper;

		private @Nullable Dialect dialect;

		private String tablePrefix = "TQ_";

		private Clock clock = Clock.systemUTC();

		private boolean workerEnabled = true;

		private int concurrency = 10;

		private int batchSize = 100;

		private int completionBatchSize = 500;

		private Duration pollInterval = Duration.ofSeconds(1);

		private Duration lease = Duration.ofMinutes(5);

		private Duration shutdownTimeout = Duration.ofSeconds(30);

		private List<String> queues = List.of();

		private String workerId = defaultWorkerId();

		private @Nullable MeterRegistry meterRegistry;

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
		 * Set the clock (the system UTC clock by default).
		 * @param clock the clock
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
		 * Set how many tasks run at once on this node (10 by default).
		 * @param concurrency the number of worker threads
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
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * Set how long a claim holds a task (5 minutes by default).
		 * @param lease the lease
		 * @return this builder
		 */
		public Builder lease(Duration lease) {
			this.lease = lease;
			return this;
		}

		/**
		 * Set how long stopping waits for running tasks (30 seconds by default).
		 * @param shutdownTimeout the shutdown timeout
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Set the queues this node serves (by default, every queue a known task type runs on).
		 * @param queues the queue names
		 * @return this builder
		 */
		public Builder queues(List<String> queues) {
			this.queues = List.copyOf(queues);
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

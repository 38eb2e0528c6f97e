package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;

/**
 * Configuration properties for TaskQueue. A key under {@code taskqueue} that none of them
 * declares fails startup, so that a misspelt option is never silently ignored.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "taskqueue", ignoreUnknownFields = false)
public class TaskQueueProperties {

	/**
	 * Whether to enable TaskQueue.
	 */
	private boolean enabled = true;

	/**
	 * Task types, by type name. Configuration overrides what a @Task method declares. Use
	 * the bracket notation for names with dots, such as 'taskqueue.types[email.send].queue'.
	 */
	private final Map<String, Type> types = new LinkedHashMap<>();

	private final Defaults defaults = new Defaults();

	/**
	 * Schedules, by schedule name: each fires a task of its type on every slot of its cron
	 * expression or fixed rate. Configuration overrides, property by property, a schedule of
	 * the same name that a @Task method declares. Use the bracket notation for names with dots,
	 * such as 'taskqueue.schedules[report.nightly].cron'.
	 */
	private final Map<String, Schedule> schedules = new LinkedHashMap<>();

	private final Worker worker = new Worker();

	/**
	 * Daemons, by daemon name. Configuration overrides what a @Daemon method declares. Use
	 * the bracket notation for names with dots, such as
	 * 'taskqueue.daemons[inbox.watcher].auto-start'.
	 */
	private final Map<String, Daemon> daemons = new LinkedHashMap<>();

	private final Retention retention = new Retention();

	private final Metrics metrics = new Metrics();

	private final Health health = new Health();

	private final Dashboard dashboard = new Dashboard();

	private final HttpApi httpApi = new HttpApi();

	// Nested rather than bound on its own, so that neither reports the other's keys as unknown
	@NestedConfigurationProperty
	private final TaskQueueJdbcProperties jdbc = new TaskQueueJdbcProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Type> getTypes() {
		return this.types;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Schedule> getSchedules() {
		return this.schedules;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Map<String, Daemon> getDaemons() {
		return this.daemons;
	}

	public Retention getRetention() {
		return this.retention;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Health getHealth() {
		return this.health;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public HttpApi getHttpApi() {
		return this.httpApi;
	}

	public TaskQueueJdbcProperties getJdbc() {
		return this.jdbc;
	}

	/**
	 * Configuration of one task type.
	 */
	public static class Type {

		/**
		 * Human label of the type. Defaults to the type name.
		 */
		private @Nullable String name;

		/**
		 * Fully qualified name of the TaskHandler class that runs tasks of this type,
		 * when no @Task method does. Created through the bean factory, so it can be
		 * autowired.
		 */
		private @Nullable String className;

		/**
		 * Queue that tasks of this type run on.
		 */
		private @Nullable String queue;

		/**
		 * Priority of tasks of this type within their queue, higher first.
		 */
		private @Nullable Integer priority;

		/**
		 * How long one attempt may run before it is interrupted and fails. Defaults to
		 * 'taskqueue.defaults.timeout'.
		 */
		private @Nullable Duration timeout;

		/**
		 * How long a claim holds a running task without being renewed: the worker renews it
		 * while the task runs, and any node takes the task back once it lapses. At least
		 * 100ms. Defaults to 'taskqueue.defaults.heartbeat'.
		 */
		private @Nullable Duration heartbeat;

		/**
		 * How many times a failed task runs again. Defaults to 'taskqueue.defaults.retries'.
		 */
		private @Nullable Integer retries;

		/**
		 * Wait before the first retry. Defaults to 'taskqueue.defaults.retry-delay'.
		 */
		private @Nullable Duration retryDelay;

		/**
		 * Factor each further retry's wait grows by, at least 1 (1 for a fixed delay).
		 * Defaults to 'taskqueue.defaults.retry-backoff'.
		 */
		private @Nullable Double retryBackoff;

		/**
		 * Longest wait between attempts. Defaults to 'taskqueue.defaults.retry-max-delay'.
		 */
		private @Nullable Duration retryMaxDelay;

		/**
		 * How much each wait may shift at random, as a fraction of it from 0 to 1. Defaults
		 * to 'taskqueue.defaults.retry-jitter'.
		 */
		private @Nullable Double retryJitter;

		/**
		 * Comma-separated list of exception types that fail a task at once, whatever retries
		 * it has left; their subclasses, and exceptions they caused, too. Replaces those that
		 * a @Task method declares. None by default.
		 */
		private @Nullable List<Class<? extends Throwable>> noRetryFor;

		/**
		 * Whether tasks of this type may be enqueued.
		 */
		private boolean enabled = true;

		/**
		 * The HTTP call that runs tasks of this type, in place of a handler.
		 */
		private final Http http = new Http();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getClassName() {
			return this.className;
		}

		public void setClassName(@Nullable String className) {
			this.className = className;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public @Nullable Integer getPriority() {
			return this.priority;
		}

		public void setPriority(@Nullable Integer priority) {
			this.priority = priority;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(@Nullable Duration heartbeat) {
			this.heartbeat = heartbeat;
		}

		public @Nullable Integer getRetries() {
			return this.retries;
		}

		public void setRetries(@Nullable Integer retries) {
			this.retries = retries;
		}

		public @Nullable Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(@Nullable Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public @Nullable Double getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(@Nullable Double retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public @Nullable Duration getRetryMaxDelay() {
			return this.retryMaxDelay;
		}

		public void setRetryMaxDelay(@Nullable Duration retryMaxDelay) {
			this.retryMaxDelay = retryMaxDelay;
		}

		public @Nullable Double getRetryJitter() {
			return this.retryJitter;
		}

		public void setRetryJitter(@Nullable Double retryJitter) {
			this.retryJitter = retryJitter;
		}

		public @Nullable List<Class<? extends Throwable>> getNoRetryFor() {
			return this.noRetryFor;
		}

		public void setNoRetryFor(@Nullable List<Class<? extends Throwable>> noRetryFor) {
			this.noRetryFor = noRetryFor;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Http getHttp() {
			return this.http;
		}

	}

	/**
	 * A task type that is an HTTP call: each task sends its payload as the JSON body of a
	 * request, and its result is the response.
	 */
	public static class Http {

		/**
		 * URL to call. '{name}' parts take the payload's field 'name' ('{a.b}' a nested one),
		 * URL-encoded; a task whose payload lacks one fails at once. Setting it makes the
		 * type an HTTP task type.
		 */
		private @Nullable String url;

		/**
		 * HTTP method.
		 */
		private String method = "POST";

		/**
		 * Headers sent with every request. Values of Authorization, Proxy-Authorization,
		 * Cookie and the 'sensitive-headers' never appear in logs, errors or results.
		 */
		private final Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Names of further headers whose values are credentials.
		 */
		private List<String> sensitiveHeaders = new ArrayList<>();

		/**
		 * How long to wait for the whole response once connected. A call that takes longer
		 * fails and is retried.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * How long to wait for a connection.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Statuses that count as success: codes (204), classes (2xx) or ranges (200-299).
		 * 5xx, 408 and 429 are retried, other statuses fail the task at once.
		 */
		private List<String> successStatuses = new ArrayList<>(List.of("2xx"));

		/**
		 * How much of the response body to keep in the result and in each attempt's error.
		 */
		private DataSize maxResponseBody = DataSize.ofKilobytes(16);

		/**
		 * Response headers to keep in the result.
		 */
		private List<String> responseHeaders = new ArrayList<>(List.of("Content-Type"));

		/**
		 * Secrets that sign each request with HMAC-SHA256, one signature per secret: list
		 * the new secret and the old one while receivers move to the new one.
		 */
		private List<String> secrets = new ArrayList<>();

		/**
		 * Header of the signing time, in seconds since the epoch.
		 */
		private String timestampHeader = "X-TaskQueue-Timestamp";

		/**
		 * Header of the signatures.
		 */
		private String signatureHeader = "X-TaskQueue-Signature";

		/**
		 * Header carrying the task id, for the receiver to drop repeated deliveries.
		 */
		private String idempotencyHeader = "Idempotency-Key";

		/**
		 * How many calls may run at once to the target on each node; 0 for no limit. A
		 * task over the limit waits, unstarted, without holding a worker slot or using a
		 * retry.
		 */
		private int concurrencyLimit = 0;

		/**
		 * What the concurrency limit and the circuit breaker apply to: the type's calls, or
		 * the calls to the host and port of all types limited per host.
		 */
		private LimitPer limitPer = LimitPer.TYPE;

		/**
		 * How long a task waits when its target is at its concurrency limit, shifted at
		 * random by up to half of it.
		 */
		private Duration postponeDelay = Duration.ofSeconds(1);

		private final CircuitBreaker circuitBreaker = new CircuitBreaker();

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public List<String> getSensitiveHeaders() {
			return this.sensitiveHeaders;
		}

		public void setSensitiveHeaders(List<String> sensitiveHeaders) {
			this.sensitiveHeaders = sensitiveHeaders;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public List<String> getSuccessStatuses() {
			return this.successStatuses;
		}

		public void setSuccessStatuses(List<String> successStatuses) {
			this.successStatuses = successStatuses;
		}

		public DataSize getMaxResponseBody() {
			return this.maxResponseBody;
		}

		public void setMaxResponseBody(DataSize maxResponseBody) {
			this.maxResponseBody = maxResponseBody;
		}

		public List<String> getResponseHeaders() {
			return this.responseHeaders;
		}

		public void setResponseHeaders(List<String> responseHeaders) {
			this.responseHeaders = responseHeaders;
		}

		public List<String> getSecrets() {
			return this.secrets;
		}

		public void setSecrets(List<String> secrets) {
			this.secrets = secrets;
		}

		public String getTimestampHeader() {
			return this.timestampHeader;
		}

		public void setTimestampHeader(String timestampHeader) {
			this.timestampHeader = timestampHeader;
		}

		public String getSignatureHeader() {
			return this.signatureHeader;
		}

		public void setSignatureHeader(String signatureHeader) {
			this.signatureHeader = signatureHeader;
		}

		public String getIdempotencyHeader() {
			return this.idempotencyHeader;
		}

		public void setIdempotencyHeader(String idempotencyHeader) {
			this.idempotencyHeader = idempotencyHeader;
		}

		public int getConcurrencyLimit() {
			return this.concurrencyLimit;
		}

		public void setConcurrencyLimit(int concurrencyLimit) {
			this.concurrencyLimit = concurrencyLimit;
		}

		public LimitPer getLimitPer() {
			return this.limitPer;
		}

		public void setLimitPer(LimitPer limitPer) {
			this.limitPer = limitPer;
		}

		public Duration getPostponeDelay() {
			return this.postponeDelay;
		}

		public void setPostponeDelay(Duration postponeDelay) {
			this.postponeDelay = postponeDelay;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		/**
		 * What a concurrency limit and a circuit breaker apply to.
		 */
		public enum LimitPer {

			/**
			 * The calls of one task type.
			 */
			TYPE,

			/**
			 * The calls to one host and port.
			 */
			HOST

		}

		/**
		 * A circuit breaker that stops calling a target that fails every time.
		 */
		public static class CircuitBreaker {

			/**
			 * Whether to stop calling the target after 'failure-threshold' retryable
			 * failures in a row. While open, tasks wait without calling it and without using
			 * retries.
			 */
			private boolean enabled = false;

			/**
			 * Retryable failures in a row that open the breaker.
			 */
			private int failureThreshold = 5;

			/**
			 * How long the breaker stays open before one call tries the target again; a
			 * success closes it, a failure opens it again.
			 */
			private Duration coolDown = Duration.ofSeconds(30);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public int getFailureThreshold() {
				return this.failureThreshold;
			}

			public void setFailureThreshold(int failureThreshold) {
				this.failureThreshold = failureThreshold;
			}

			public Duration getCoolDown() {
				return this.coolDown;
			}

			public void setCoolDown(Duration coolDown) {
				this.coolDown = coolDown;
			}

		}

	}

	/**
	 * Options of task types that neither configuration nor annotation sets.
	 */
	public static class Defaults {

		/**
		 * Queue that tasks run on.
		 */
		private String queue = "default";

		/**
		 * Priority of tasks within their queue, higher first.
		 */
		private int priority = 0;

		/**
		 * How long one attempt may run before it is interrupted and fails. Unlimited by
		 * default.
		 */
		private @Nullable Duration timeout;

		/**
		 * How long a claim holds a running task without being renewed: the worker renews it
		 * while the task runs, and any node takes the task back once it lapses (its node
		 * died, froze or lost the database). At least 100ms.
		 */
		private Duration heartbeat = Duration.ofSeconds(30);

		/**
		 * How many times a failed task runs again.
		 */
		private int retries = 3;

		/**
		 * Wait before the first retry.
		 */
		private Duration retryDelay = Duration.ofSeconds(10);

		/**
		 * Factor each further retry's wait grows by, at least 1 (1 for a fixed delay).
		 */
		private double retryBackoff = 2.0;

		/**
		 * Longest wait between attempts.
		 */
		private Duration retryMaxDelay = Duration.ofHours(1);

		/**
		 * How much each wait may shift at random, as a fraction of it from 0 to 1, so that
		 * tasks that failed together do not all come back at once.
		 */
		private double retryJitter = 0.1;

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public int getPriority() {
			return this.priority;
		}

		public void setPriority(int priority) {
			this.priority = priority;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			this.heartbeat = heartbeat;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public double getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(double retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public Duration getRetryMaxDelay() {
			return this.retryMaxDelay;
		}

		public void setRetryMaxDelay(Duration retryMaxDelay) {
			this.retryMaxDelay = retryMaxDelay;
		}

		public double getRetryJitter() {
			return this.retryJitter;
		}

		public void setRetryJitter(double retryJitter) {
			this.retryJitter = retryJitter;
		}

	}

	/**
	 * Configuration of one schedule.
	 */
	public static class Schedule {

		/**
		 * Task type of the task each slot fires. Defaults to the type of the @Task method that
		 * declares the schedule, or else to the schedule's name.
		 */
		private @Nullable String type;

		/**
		 * Cron expression in Spring's syntax, macros such as '@daily' included, read in
		 * 'zone'. '-' declares no schedule, also turning off one that a @Task method declares.
		 * Exactly one of 'cron' and 'fixed-rate' is set.
		 */
		private @Nullable String cron;

		/**
		 * Time between slots, instead of a cron expression.
		 */
		private @Nullable Duration fixedRate;

		/**
		 * Time zone the cron expression is read in. Defaults to UTC, so that every node agrees
		 * on the slots whatever its own zone.
		 */
		private @Nullable ZoneId zone;

		/**
		 * Payload of each task, as a map bound to the handler's payload parameter. Values are
		 * read as text and converted to the parameter's field types. None by default.
		 */
		private final Map<String, Object> payload = new LinkedHashMap<>();

		/**
		 * Queue the tasks run on. Defaults to the task type's queue.
		 */
		private @Nullable String queue;

		/**
		 * Priority of the tasks within their queue, higher first. Defaults to the task type's
		 * priority.
		 */
		private @Nullable Integer priority;

		/**
		 * Whether the schedule is paused: its slots are not fired until it is resumed.
		 */
		private boolean paused;

		/**
		 * What to do with the slots missed while no node ran: skip them, run the latest one
		 * once, or run all of them up to 'misfire-cap' within 'catch-up-window'. Defaults to
		 * 'run-latest'.
		 */
		private MisfirePolicy.@Nullable Mode misfire;

		/**
		 * With misfire 'run-all', the most missed slots to run, the latest ones. Defaults to
		 * 100.
		 */
		private @Nullable Integer misfireCap;

		/**
		 * With misfire 'run-all', how far back a missed slot may be and still run. Defaults to
		 * 1d.
		 */
		private @Nullable Duration catchUpWindow;

		/**
		 * What to do when a slot is due while an earlier slot's task is unfinished: fire it
		 * anyway ('allow'), skip it ('skip'), or fire it to run once the earlier one has ended,
		 * at most one waiting ('queue-one'). Defaults to 'allow'.
		 */
		private @Nullable OverlapPolicy overlap;

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable Duration getFixedRate() {
			return this.fixedRate;
		}

		public void setFixedRate(@Nullable Duration fixedRate) {
			this.fixedRate = fixedRate;
		}

		public @Nullable ZoneId getZone() {
			return this.zone;
		}

		public void setZone(@Nullable ZoneId zone) {
			this.zone = zone;
		}

		public Map<String, Object> getPayload() {
			return this.payload;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public @Nullable Integer getPriority() {
			return this.priority;
		}

		public void setPriority(@Nullable Integer priority) {
			this.priority = priority;
		}

		public boolean isPaused() {
			return this.paused;
		}

		public void setPaused(boolean paused) {
			this.paused = paused;
		}

		public MisfirePolicy.@Nullable Mode getMisfire() {
			return this.misfire;
		}

		public void setMisfire(MisfirePolicy.@Nullable Mode misfire) {
			this.misfire = misfire;
		}

		public @Nullable Integer getMisfireCap() {
			return this.misfireCap;
		}

		public void setMisfireCap(@Nullable Integer misfireCap) {
			this.misfireCap = misfireCap;
		}

		public @Nullable Duration getCatchUpWindow() {
			return this.catchUpWindow;
		}

		public void setCatchUpWindow(@Nullable Duration catchUpWindow) {
			this.catchUpWindow = catchUpWindow;
		}

		public @Nullable OverlapPolicy getOverlap() {
			return this.overlap;
		}

		public void setOverlap(@Nullable OverlapPolicy overlap) {
			this.overlap = overlap;
		}

	}

	/**
	 * Workers of this node.
	 */
	public static class Worker {

		/**
		 * Whether to start workers on this node. When disabled, the node only enqueues.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of tasks that run at once on this node, all queues together. When
		 * 'taskqueue.worker.queues' is set, the slots of each of those queues that sets no
		 * concurrency of its own instead.
		 */
		private int concurrency = 10;

		/**
		 * How often to poll for tasks when nothing wakes the poller.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Maximum number of tasks that one claim takes.
		 */
		private int batchSize = 100;

		/**
		 * How far ahead a worker claims beyond its free slots: it also claims the tasks it
		 * expects to start within this time, judging by its recent handler durations, up to
		 * 'taskqueue.worker.batch-size' tasks held in all, running and waiting, and starts them
		 * from a local buffer as slots free.
		 * Workers whose handlers are slow claim only their free slots; 0 turns claiming ahead
		 * off.
		 */
		private Duration claimAhead = Duration.ofMillis(50);

		/**
		 * Queues that this node serves, by queue name, each with its own 'concurrency' (such
		 * as 'taskqueue.worker.queues.reports.concurrency=2') or, when unset
		 * ('taskqueue.worker.queues.reports='), 'taskqueue.worker.concurrency' slots of its own. When
		 * empty, every queue that a known task type runs on is served, all sharing
		 * 'taskqueue.worker.concurrency' slots. When set, only these queues are served, each with
		 * slots of its own, so that a slow queue never starves a fast one.
		 */
		private final Map<String, Queue> queues = new LinkedHashMap<>();

		/**
		 * How long stopping waits for running tasks before handing them back to the queue.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Id of this node, stored on the tasks it runs and in the registry of nodes. A live
		 * node holds its id alone: a second node with the same id refuses to start until the
		 * first one's heartbeat has lapsed. Defaults to the host name, the process id and a
		 * random suffix.
		 */
		private @Nullable String id;

		/**
		 * How often this node writes the progress its running tasks reported: the latest
		 * report of each, in one batch. The last report of an attempt is written with its
		 * outcome.
		 */
		private Duration progressInterval = Duration.ofSeconds(1);

		/**
		 * How often this node records its heartbeat in the registry of nodes.
		 */
		private Duration nodeHeartbeatInterval = Duration.ofSeconds(10);

		/**
		 * How long after its last heartbeat a node counts as dead: it is no longer listed,
		 * any node deletes its registration, and its id can be reused. Must be longer than
		 * 'taskqueue.worker.node-heartbeat-interval'.
		 */
		private Duration nodeExpiry = Duration.ofSeconds(30);

		/**
		 * Number of tasks after which this node stops claiming, finishes its tasks and ends
		 * the application with exit code 75. 0 for no limit.
		 */
		private long maxTasks = 0;

		/**
		 * How long this node runs before it stops claiming, finishes its tasks and ends the
		 * application with exit code 75. No limit by default.
		 */
		private @Nullable Duration maxRuntime;

		/**
		 * Heap in use, measured each time a task ends, at which this node stops claiming,
		 * finishes its tasks and ends the application with exit code 75. No limit by
		 * default.
		 */
		private @Nullable DataSize memoryLimit;

		private final Daemons daemons = new Daemons();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getClaimAhead() {
			return this.claimAhead;
		}

		public void setClaimAhead(Duration claimAhead) {
			this.claimAhead = claimAhead;
		}

		public Map<String, Queue> getQueues() {
			return this.queues;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

		public Duration getProgressInterval() {
			return this.progressInterval;
		}

		public void setProgressInterval(Duration progressInterval) {
			this.progressInterval = progressInterval;
		}

		public Duration getNodeHeartbeatInterval() {
			return this.nodeHeartbeatInterval;
		}

		public void setNodeHeartbeatInterval(Duration nodeHeartbeatInterval) {
			this.nodeHeartbeatInterval = nodeHeartbeatInterval;
		}

		public Duration getNodeExpiry() {
			return this.nodeExpiry;
		}

		public void setNodeExpiry(Duration nodeExpiry) {
			this.nodeExpiry = nodeExpiry;
		}

		public long getMaxTasks() {
			return this.maxTasks;
		}

		public void setMaxTasks(long maxTasks) {
			this.maxTasks = maxTasks;
		}

		public @Nullable Duration getMaxRuntime() {
			return this.maxRuntime;
		}

		public void setMaxRuntime(@Nullable Duration maxRuntime) {
			this.maxRuntime = maxRuntime;
		}

		public @Nullable DataSize getMemoryLimit() {
			return this.memoryLimit;
		}

		public void setMemoryLimit(@Nullable DataSize memoryLimit) {
			this.memoryLimit = memoryLimit;
		}

		public Daemons getDaemons() {
			return this.daemons;
		}

	}

	/**
	 * How this node runs daemons.
	 */
	public static class Daemons {

		/**
		 * How long this node holds a daemon's lease without renewing it. It renews the lease
		 * every third of that while the daemon runs; once the node dies, another takes its
		 * daemons over after at most this long and one poll.
		 */
		private Duration lease = Duration.ofSeconds(30);

		/**
		 * How often this node looks for daemons to take, stop or renew: a start, stop or
		 * restart from any node is seen within this long. At most a third of the lease.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Backoff before a daemon whose method returned or threw runs again, after a first
		 * crash; doubled after each crash in a row.
		 */
		private Duration restartDelay = Duration.ofSeconds(1);

		/**
		 * Longest backoff before a daemon runs again. A daemon that ran longer than this
		 * before it crashed starts over from 'restart-delay'.
		 */
		private Duration maxRestartDelay = Duration.ofMinutes(5);

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getRestartDelay() {
			return this.restartDelay;
		}

		public void setRestartDelay(Duration restartDelay) {
			this.restartDelay = restartDelay;
		}

		public Duration getMaxRestartDelay() {
			return this.maxRestartDelay;
		}

		public void setMaxRestartDelay(Duration maxRestartDelay) {
			this.maxRestartDelay = maxRestartDelay;
		}

	}

	/**
	 * One daemon.
	 */
	public static class Daemon {

		/**
		 * Whether the daemon runs without being started through TaskDaemons. Sets the desired
		 * state of a daemon the database does not know yet; once known, a daemon keeps the
		 * state it was last started or stopped in. Defaults to what its @Daemon method
		 * declares, else true.
		 */
		private @Nullable Boolean autoStart;

		public @Nullable Boolean getAutoStart() {
			return this.autoStart;
		}

		public void setAutoStart(@Nullable Boolean autoStart) {
			this.autoStart = autoStart;
		}

	}

	/**
	 * One queue that this node serves.
	 */
	public static class Queue {

		/**
		 * Maximum number of tasks of this queue that run at once on this node, however busy
		 * other queues are. Defaults to 'taskqueue.worker.concurrency'.
		 */
		private @Nullable Integer concurrency;

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

	}

	/**
	 * Retention: how long finished tasks and jobs are kept before a worker node deletes
	 * them. A period of 0 deletes them as soon as they finished; -1 keeps them forever.
	 */
	public static class Retention {

		/**
		 * Whether worker nodes delete finished tasks and jobs once their retention is over.
		 * When false, every finished task is kept forever.
		 */
		private boolean enabled = true;

		/**
		 * How long succeeded tasks, and jobs that succeeded, are kept after they finished. 0
		 * deletes them at once, -1 keeps them forever.
		 */
		private Duration succeeded = Duration.ofDays(1);

		/**
		 * How long failed tasks, and jobs that failed, are kept after they finished. 0
		 * deletes them at once, -1 keeps them forever.
		 */
		private Duration failed = Duration.ofDays(7);

		/**
		 * How long cancelled tasks, and jobs that were cancelled, are kept after they
		 * finished. 0 deletes them at once, -1 keeps them forever.
		 */
		private Duration cancelled = Duration.ofDays(1);

		/**
		 * Most rows one batch deletes, each batch in a short transaction of its own. At most
		 * 1000.
		 */
		private int batchSize = 500;

		/**
		 * How long after a round that deleted everything due the next round starts.
		 */
		private Duration interval = Duration.ofMinutes(1);

		/**
		 * How long one round deletes at most before it stops after its current batch.
		 */
		private Duration timeBudget = Duration.ofSeconds(1);

		/**
		 * How long after a round that its time budget cut short, with more to delete, the
		 * next round starts. With the default budget, deleting a backlog takes a tenth of one
		 * connection's time.
		 */
		private Duration pause = Duration.ofSeconds(9);

		/**
		 * Retention per task type, overriding the periods of their status for the tasks of
		 * that type outside jobs. Tasks of a job go with their job.
		 */
		private final Map<String, TypeRetention> types = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getSucceeded() {
			return this.succeeded;
		}

		public void setSucceeded(Duration succeeded) {
			this.succeeded = succeeded;
		}

		public Duration getFailed() {
			return this.failed;
		}

		public void setFailed(Duration failed) {
			this.failed = failed;
		}

		public Duration getCancelled() {
			return this.cancelled;
		}

		public void setCancelled(Duration cancelled) {
			this.cancelled = cancelled;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeBudget() {
			return this.timeBudget;
		}

		public void setTimeBudget(Duration timeBudget) {
			this.timeBudget = timeBudget;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		public Map<String, TypeRetention> getTypes() {
			return this.types;
		}

	}

	/**
	 * Retention of one task type; a period left unset is that of the status.
	 */
	public static class TypeRetention {

		/**
		 * How long succeeded tasks of this type are kept. 0 deletes them at once, -1 keeps
		 * them forever.
		 */
		private @Nullable Duration succeeded;

		/**
		 * How long failed tasks of this type are kept. 0 deletes them at once, -1 keeps them
		 * forever.
		 */
		private @Nullable Duration failed;

		/**
		 * How long cancelled tasks of this type are kept. 0 deletes them at once, -1 keeps
		 * them forever.
		 */
		private @Nullable Duration cancelled;

		public @Nullable Duration getSucceeded() {
			return this.succeeded;
		}

		public void setSucceeded(@Nullable Duration succeeded) {
			this.succeeded = succeeded;
		}

		public @Nullable Duration getFailed() {
			return this.failed;
		}

		public void setFailed(@Nullable Duration failed) {
			this.failed = failed;
		}

		public @Nullable Duration getCancelled() {
			return this.cancelled;
		}

		public void setCancelled(@Nullable Duration cancelled) {
			this.cancelled = cancelled;
		}

	}

	/**
	 * Task counts shared by gauges, the health indicator and the endpoint.
	 */
	public static class Metrics {

		/**
		 * How long task counts, and the live nodes the health indicator reports, are reused
		 * before one query reads them anew.
		 */
		private Duration refreshInterval = Duration.ofSeconds(15);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * Thresholds above which the health indicator reports the queue as degraded.
	 */
	public static class Health {

		/**
		 * Number of due READY tasks above which the queue is reported as degraded. Not set
		 * by default: no backlog degrades it.
		 */
		private @Nullable Long backlogThreshold;

		/**
		 * Age of the oldest due READY task above which the queue is reported as degraded.
		 * Not set by default: no age degrades it.
		 */
		private @Nullable Duration oldestDueAgeThreshold;

		public @Nullable Long getBacklogThreshold() {
			return this.backlogThreshold;
		}

		public void setBacklogThreshold(@Nullable Long backlogThreshold) {
			this.backlogThreshold = backlogThreshold;
		}

		public @Nullable Duration getOldestDueAgeThreshold() {
			return this.oldestDueAgeThreshold;
		}

		public void setOldestDueAgeThreshold(@Nullable Duration oldestDueAgeThreshold) {
			this.oldestDueAgeThreshold = oldestDueAgeThreshold;
		}

	}

	/**
	 * The dashboard, served by the queue-dashboard module.
	 */
	public static class Dashboard {

		/**
		 * Whether to serve the dashboard.
		 */
		private boolean enabled = true;

		/**
		 * Path the dashboard and its JSON API are served under.
		 */
		private String path = "/taskqueue";

		/**
		 * How often the dashboard's pages fetch what they show again.
		 */
		private Duration pollInterval = Duration.ofSeconds(2);

		/**
		 * Role that may read the dashboard, without the "ROLE_" prefix.
		 */
		private String viewerRole = "TASKQUEUE_VIEWER";

		/**
		 * Role that may read the dashboard and retry and cancel tasks and jobs, without the
		 * "ROLE_" prefix.
		 */
		private String operatorRole = "TASKQUEUE_OPERATOR";

		/**
		 * Whether to serve the dashboard without Spring Security, to everyone, as operator.
		 */
		private boolean allowUnsecured = false;

		/**
		 * How payloads and results are shown, on the dashboard and by the taskqueue Actuator
		 * endpoint: as they are ('show'), with the values of the masked fields replaced by
		 * '***' ('mask'), or not at all ('hide').
		 */
		private PayloadMask.Visibility payloads = PayloadMask.Visibility.MASK;

		/**
		 * Fields of payloads and results whose values are masked, at any depth, matched ignoring
		 * case.
		 */
		private List<String> maskedFields = new ArrayList<>(
				List.of("password", "secret", "token", "apiKey", "authorization", "credential", "cookie",
						"privateKey"));

		/**
		 * The most tasks one bulk action by filter retries or cancels; the answer says
		 * 'truncated' if more matched.
		 */
		private int bulkLimit = 10000;

		public int getBulkLimit() {
			return this.bulkLimit;
		}

		public void setBulkLimit(int bulkLimit) {
			this.bulkLimit = bulkLimit;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public String getViewerRole() {
			return this.viewerRole;
		}

		public void setViewerRole(String viewerRole) {
			this.viewerRole = viewerRole;
		}

		public String getOperatorRole() {
			return this.operatorRole;
		}

		public void setOperatorRole(String operatorRole) {
			this.operatorRole = operatorRole;
		}

		public boolean isAllowUnsecured() {
			return this.allowUnsecured;
		}

		public void setAllowUnsecured(boolean allowUnsecured) {
			this.allowUnsecured = allowUnsecured;
		}

		public PayloadMask.Visibility getPayloads() {
			return this.payloads;
		}

		public void setPayloads(PayloadMask.Visibility payloads) {
			this.payloads = payloads;
		}

		public List<String> getMaskedFields() {
			return this.maskedFields;
		}

		public void setMaskedFields(List<String> maskedFields) {
			this.maskedFields = maskedFields;
		}

	}

	/**
	 * The HTTP API of the optional queue-http-api module, declared here so that its keys are
	 * known under 'taskqueue'.
	 */
	public static class HttpApi {

		/**
		 * Whether to serve the HTTP API to enqueue, follow, cancel and retry tasks. Needs the
		 * queue-http-api module and a servlet web application.
		 */
		private boolean enabled;

		/**
		 * Path the API is served under. Must not be the dashboard's path, nor above or below
		 * it, while the dashboard is enabled.
		 */
		private String path = "/taskqueue-api/v1";

		/**
		 * Role a caller needs, without the 'ROLE_' prefix. Empty for any authenticated caller.
		 */
		private String role = "TASKQUEUE_CLIENT";

		/**
		 * Whether to serve callers that are not authenticated. Without it, and without Spring
		 * Security, every call is refused.
		 */
		private boolean allowUnauthenticated;

		/**
		 * Longest a long poll ('wait') holds a request open; a longer wait is cut to it.
		 */
		private Duration maxWait = Duration.ofSeconds(60);

		/**
		 * Task types that may be enqueued, read, cancelled and retried over HTTP; a task of
		 * another type is not found. Empty for every type that has a handler.
		 */
		private List<String> allowedTypes = new ArrayList<>();

		/**
		 * Queues a caller may put a task on instead of its type's queue. Empty for none: a
		 * request that names a queue is refused.
		 */
		private List<String> allowedQueues = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getRole() {
			return this.role;
		}

		public void setRole(String role) {
			this.role = role;
		}

		public boolean isAllowUnauthenticated() {
			return this.allowUnauthenticated;
		}

		public void setAllowUnauthenticated(boolean allowUnauthenticated) {
			this.allowUnauthenticated = allowUnauthenticated;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public List<String> getAllowedTypes() {
			return this.allowedTypes;
		}

		public void setAllowedTypes(List<String> allowedTypes) {
			this.allowedTypes = allowedTypes;
		}

		public List<String> getAllowedQueues() {
			return this.allowedQueues;
		}

		public void setAllowedQueues(List<String> allowedQueues) {
			this.allowedQueues = allowedQueues;
		}

	}

}

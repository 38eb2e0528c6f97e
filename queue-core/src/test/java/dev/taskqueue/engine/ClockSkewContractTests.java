package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.jdbc.DatabaseClock;
import dev.taskqueue.testsupport.JdbcConnectionDetails;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes whose clocks are 8 seconds off, on connections whose session time zone is not UTC,
 * agree with the others on due times, leases and rescues, because all of them tell time by
 * the database's clock. Each database's subclass supplies a DataSource and how to set a
 * session's time zone.
 */
abstract class ClockSkewContractTests {

	private static final Duration SKEW = Duration.ofSeconds(8);

	private static final Duration DELAY = Duration.ofSeconds(3);

	/** How far a start may come before its due time: truncation to microseconds, and rounding. */
	private static final Duration TOLERANCE = Duration.ofMillis(100);

	private TestNodes nodes;

	private HikariDataSource otherZone;

	private final List<TaskQueueEngine> engines = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger runs = new AtomicInteger();

	private final AtomicLong startedNanos = new AtomicLong();

	protected abstract DataSource dataSource();

	/**
	 * Return the statement that sets a session's time zone to one that is not UTC.
	 * @return the statement
	 */
	protected abstract String setSessionTimeZone();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("long", String.class,
				new TaskTypeSettings(null, null, null, new TaskOptions(null, Duration.ofSeconds(1), 0, null, null, null, null),
						null),
				(payload, context) -> {
					this.runs.incrementAndGet();
					this.release.await();
					return payload;
				});
		this.nodes.register("timed", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.startedNanos.compareAndSet(0, System.nanoTime());
			return payload;
		});
		JdbcConnectionDetails details = JdbcConnectionDetails.of(this.nodes.dataSource());
		HikariConfig config = new HikariConfig();
		config.setPoolName("other-time-zone");
		config.setJdbcUrl(details.url());
		config.setUsername(details.username());
		config.setPassword(details.password());
		config.setMaximumPoolSize(5);
		config.setConnectionInitSql(setSessionTimeZone());
		this.otherZone = new HikariDataSource(config);
	}

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.engines.forEach(TaskQueueEngine::stop);
		this.nodes.close();
		this.otherZone.close();
	}

	@Test
	void databaseClockTellsTheDatabasesTimeWhateverTheNodesClockAndSessionTimeZone() {
		DatabaseClock clock = new DatabaseClock(this.otherZone, this.nodes.dialect(),
				Clock.offset(Clock.systemUTC(), Duration.ofHours(-7)));
		clock.refresh();
		assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void runningTaskIsNotTakenBackByANodeWhoseClockIsAhead() {
		assertRunsOnceWhileItsLeaseIsRenewed(Duration.ZERO, SKEW);
	}

	@Test
	void runningTaskOfANodeWhoseClockIsBehindIsNotTakenBack() {
		assertRunsOnceWhileItsLeaseIsRenewed(SKEW.negated(), Duration.ZERO);
	}

	@Test
	void delayedTaskEnqueuedOnANodeWhoseClockIsBehindWaitsItsDelay() {
		TaskQueue worker = this.nodes.start();
		TaskQueue behind = node(SKEW.negated(), false).queue();
		long enqueued = System.nanoTime();
		TaskRef ref = behind.enqueue(TaskRequest.builder("timed").payload("x").delay(DELAY).build());
		awaitStatus(worker, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(Duration.ofNanos(this.startedNanos.get() - enqueued)).isGreaterThanOrEqualTo(DELAY.minus(TOLERANCE));
	}

	@Test
	void delayedTaskEnqueuedOnANodeWhoseClockIsAheadWaitsNoLongerThanItsDelay() {
		this.nodes.start();
		TaskQueue ahead = node(SKEW, false).queue();
		long enqueued = System.nanoTime();
		TaskRef ref = ahead.enqueue(TaskRequest.builder("timed").payload("x").delay(DELAY).build());
		await().atMost(DELAY.plus(SKEW.dividedBy(2))).until(() -> this.startedNanos.get() != 0);
		assertThat(Duration.ofNanos(this.startedNanos.get() - enqueued)).isGreaterThanOrEqualTo(DELAY.minus(TOLERANCE));
		assertThat(awaitStatus(ahead, ref.id(), TaskStatus.SUCCEEDED).attempts()).isOne();
	}

	/**
	 * A task with a one second heartbeat runs on a node, and a second node rescues; the
	 * second node must not take it back while the first renews its lease.
	 */
	private void assertRunsOnceWhileItsLeaseIsRenewed(Duration runnerSkew, Duration rescuerSkew) {
		TaskQueue runner = node(runnerSkew, true).queue();
		TaskRef ref = runner.enqueue("long", "x");
		await().atMost(WAIT).until(() -> this.runs.get() == 1);
		node(rescuerSkew, true);
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> runner.find(ref.id()).orElseThrow().status() == TaskStatus.RUNNING && this.runs.get() == 1);
		this.release.countDown();
		TaskState state = awaitStatus(runner, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errors()).isEmpty();
		assertThat(this.runs.get()).isOne();
	}

	/** A node whose clock is off by the given skew, on connections in another time zone. */
	private TaskQueueEngine node(Duration skew, boolean workerEnabled) {
		TaskQueueEngine engine = TaskQueueEngine.builder(this.otherZone, this.nodes.registry(), JsonMapper.builder().build())
			.tablePrefix(this.nodes.prefix())
			.pollInterval(Duration.ofMillis(100))
			.clock(Clock.offset(Clock.systemUTC(), skew))
			.workerEnabled(workerEnabled)
			.build();
		this.engines.add(engine);
		engine.start();
		return engine;
	}

}

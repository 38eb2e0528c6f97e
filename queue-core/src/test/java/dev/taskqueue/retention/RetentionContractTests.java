package dev.taskqueue.retention;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.schedule.TaskSchedules;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.jdbc.DatabaseClock;
import dev.taskqueue.store.jdbc.JdbcLeaseStore;
import dev.taskqueue.store.jdbc.JdbcRetentionStore;
import dev.taskqueue.testsupport.PreparingHook;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention on every supported database: finished tasks are deleted once the period of their
 * status or type is over, in batches, with their errors and edges; tasks that an unfinished
 * child or a running job needs stay; a finished job goes as a unit with its tasks and
 * callbacks; a zero period deletes at once and keeping forever keeps; and only the node
 * holding the lease deletes, and not after it stopped. Each database's subclass supplies a DataSource.
 */
abstract class RetentionContractTests {

	private static final Duration HOUR = Duration.ofHours(1);

	private static final Duration DAY = Duration.ofDays(1);

	private static final int BATCH_SIZE = 100;

	private TestNodes nodes;

	private JdbcTemplate jdbc;

	private final List<RetentionSweeper> sweepers = new ArrayList<>();

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		this.nodes.register("fail", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			throw new IllegalStateException("Broken");
		});
		this.jdbc = new JdbcTemplate(this.nodes.dataSource());
	}

	@AfterEach
	void closeNodes() {
		this.sweepers.forEach(RetentionSweeper::stop);
		this.nodes.close();
	}

	@Test
	void oldFinishedTasksAreDeletedInBatchesOnceTheirStatusPeriodIsOverWithTheirErrorsAndEdges() {
		List<UUID> oldSucceeded = insertTasks(250, TaskStatus.SUCCEEDED, "echo", ago(DAY.plus(HOUR)), null);
		List<UUID> recentSucceeded = insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(HOUR), null);
		List<UUID> failedWithinAWeek = insertTasks(3, TaskStatus.FAILED, "fail", ago(Duration.ofDays(6)), null);
		List<UUID> failedLongAgo = insertTasks(2, TaskStatus.FAILED, "fail", ago(Duration.ofDays(8)), null);
		List<UUID> oldCancelled = insertTasks(2, TaskStatus.CANCELLED, "echo", ago(DAY.plus(HOUR)), null);
		failedWithinAWeek.forEach(this::insertError);
		failedLongAgo.forEach(this::insertError);
		insertEdge(oldSucceeded.get(0), oldSucceeded.get(1));
		insertEdge(oldSucceeded.get(1), recentSucceeded.get(0));
		JdbcRetentionStore store = retentionStore();

		JdbcRetentionStore.Deleted batch = store.deleteTasks(TaskStatus.SUCCEEDED, Instant.now().minus(DAY), null,
				Set.of(), BATCH_SIZE);

		assertThat(batch.tasks()).isEqualTo(BATCH_SIZE);
		assertThat(count("TASK")).isEqualTo(260 - BATCH_SIZE);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		assertThat(sweeper("node-a", RetentionPolicy.defaults(), meters).runRound()).isFalse();
		assertThat(existing(oldSucceeded)).isEmpty();
		assertThat(existing(failedLongAgo)).isEmpty();
		assertThat(existing(oldCancelled)).isEmpty();
		assertThat(existing(recentSucceeded)).containsExactlyInAnyOrderElementsOf(recentSucceeded);
		assertThat(existing(failedWithinAWeek)).containsExactlyInAnyOrderElementsOf(failedWithinAWeek);
		assertThat(count("TASK_ERROR")).isEqualTo(failedWithinAWeek.size());
		assertThat(count("TASK_PARENT")).isZero();
		assertThat(meters.get(TaskQueueMetrics.RETENTION_DELETED).tag("kind", "task").counter().count())
			.isEqualTo(250 - BATCH_SIZE + 2 + 2);
	}

	@Test
	void aTypeOverrideDecidesForItsTasksWhateverThePeriodOfTheirStatus() {
		List<UUID> oldEcho = insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		List<UUID> oldAudit = insertTasks(3, TaskStatus.SUCCEEDED, "audit", ago(Duration.ofDays(400)), null);
		List<UUID> recentReport = insertTasks(3, TaskStatus.FAILED, "report", ago(Duration.ofMinutes(2)), null);
		List<UUID> recentFailedEcho = insertTasks(3, TaskStatus.FAILED, "echo", ago(Duration.ofMinutes(2)), null);
		RetentionPolicy policy = RetentionPolicy.defaults()
			.keep("audit", TaskStatus.SUCCEEDED, RetentionPolicy.KEEP_FOREVER)
			.keep("report", TaskStatus.FAILED, Duration.ofMinutes(1));

		sweeper("node-a", policy, new SimpleMeterRegistry()).runRound();

		assertThat(existing(oldEcho)).isEmpty();
		assertThat(existing(oldAudit)).hasSize(3);
		assertThat(existing(recentReport)).isEmpty();
		assertThat(existing(recentFailedEcho)).hasSize(3);
	}

	@Test
	void aTaskThatAnUnfinishedChildWaitsForIsKeptAndGoesOnceTheChildFinished() {
		UUID parent = insertTask(TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		UUID child = insertTask(TaskStatus.WAITING, "echo", null, null);
		UUID otherParent = insertTask(TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		UUID finishedChild = insertTask(TaskStatus.SUCCEEDED, "echo", ago(HOUR), null);
		insertEdge(parent, child);
		insertEdge(otherParent, finishedChild);
		RetentionSweeper sweeper = sweeper("node-a", RetentionPolicy.defaults(), new SimpleMeterRegistry());

		sweeper.runRound();

		assertThat(existing(List.of(parent, child, otherParent, finishedChild))).containsExactlyInAnyOrder(parent,
				child, finishedChild);
		assertThat(count("TASK_PARENT")).isOne();
		this.jdbc.update("UPDATE " + this.nodes.prefix() + "TASK SET status = 'CANCELLED', finished_at = ? WHERE id = ?",
				(PreparedStatement ps) -> {
					this.nodes.dialect().setInstant(ps, 1, Instant.now());
					this.nodes.dialect().setId(ps, 2, child);
				});
		sweeper.runRound();
		assertThat(existing(List.of(parent, child))).containsExactly(child);
		assertThat(count("TASK_PARENT")).isZero();
	}

	@Test
	void aRunningJobKeepsAllItsTasksAndAFinishedOneGoesAsAUnitWithItsTasksErrorsEdgesAndCallbacks() {
		UUID running = insertJob(JobStatus.RUNNING, null);
		List<UUID> runningTasks = insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(30)), running);
		insertTask(TaskStatus.READY, "echo", null, running);
		UUID ended = insertJob(JobStatus.FAILED, ago(Duration.ofDays(8)));
		List<UUID> endedTasks = insertTasks(2 * BATCH_SIZE + 50, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(9)),
				ended);
		UUID failedTask = insertTask(TaskStatus.FAILED, "fail", ago(Duration.ofDays(8)), ended);
		UUID waitingTask = insertTask(TaskStatus.WAITING, "echo", null, ended);
		insertError(failedTask);
		insertEdge(failedTask, waitingTask);
		insertEdge(endedTasks.get(0), endedTasks.get(1));
		insertCallback(ended);
		UUID recent = insertJob(JobStatus.SUCCEEDED, ago(HOUR));
		List<UUID> recentTasks = insertTasks(2, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(3)), recent);
		insertCallback(recent);
		UUID needed = insertJob(JobStatus.SUCCEEDED, ago(Duration.ofDays(3)));
		UUID neededTask = insertTask(TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(3)), needed);
		UUID outsideChild = insertTask(TaskStatus.WAITING, "echo", null, null);
		insertEdge(neededTask, outsideChild);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();

		sweeper("node-a", RetentionPolicy.defaults(), meters).runRound();

		assertThat(jobs()).containsExactlyInAnyOrder(running, recent, needed);
		assertThat(existing(runningTasks)).hasSize(3);
		assertThat(existing(recentTasks)).hasSize(2);
		assertThat(existing(List.of(neededTask, outsideChild))).hasSize(2);
		assertThat(count("TASK")).isEqualTo(3 + 1 + 2 + 1 + 1);
		assertThat(count("TASK_ERROR")).isZero();
		assertThat(count("TASK_PARENT")).isOne();
		assertThat(count("JOB_CALLBACK")).isOne();
		assertThat(meters.get(TaskQueueMetrics.RETENTION_DELETED).tag("kind", "job").counter().count()).isOne();
		assertThat(meters.get(TaskQueueMetrics.RETENTION_DELETED).tag("kind", "task").counter().count())
			.isEqualTo(endedTasks.size() + 2);
	}

	@Test
	void aZeroPeriodDeletesTasksSoonAfterTheyFinishAndOthersStay() {
		TaskQueue queue = this.nodes
			.start((builder) -> builder.retention(RetentionPolicy.defaults().keep(TaskStatus.SUCCEEDED, Duration.ZERO))
				.retentionInterval(Duration.ofMillis(100)))
			.queue();
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			ids.add(queue.enqueue("echo", "x" + i).id());
		}
		UUID failed = queue.enqueue("fail", "x").id();

		await().atMost(WAIT).untilAsserted(() -> assertThat(existing(ids)).isEmpty());
		assertThat(awaitStatus(queue, failed, TaskStatus.FAILED).errors()).hasSize(1);
	}

	@Test
	void theRecordOfTheScheduleSlotATaskWasFiredForGoesWithTheTask() {
		TaskQueueEngine engine = this.nodes
			.start((builder) -> builder.retention(RetentionPolicy.defaults().keep(TaskStatus.SUCCEEDED, Duration.ZERO))
				.retentionInterval(Duration.ofMillis(100)));
		TaskSchedules schedules = engine.schedules();
		schedules.create(ScheduleRequest.fixedRate("hourly-echo", "echo", Duration.ofHours(1)).payload("x").build());
		schedules.create(ScheduleRequest.fixedRate("daily-echo", "echo", Duration.ofDays(1)).payload("y").build());
		List<UUID> fired = List.of(schedules.trigger("hourly-echo").id(), schedules.trigger("daily-echo").id());
		assertThat(count("SCHEDULE_SLOT")).isEqualTo(2);

		await().atMost(WAIT).untilAsserted(() -> assertThat(existing(fired)).isEmpty());
		assertThat(count("SCHEDULE_SLOT")).isZero();
		assertThat(schedules.find("hourly-echo")).isPresent();
	}

	@Test
	void keepingForeverKeepsFinishedTasksOfAnyAge() {
		List<UUID> succeeded = insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(10_000)), null);
		List<UUID> failed = insertTasks(3, TaskStatus.FAILED, "fail", ago(Duration.ofDays(10_000)), null);
		UUID job = insertJob(JobStatus.SUCCEEDED, ago(Duration.ofDays(10_000)));
		RetentionPolicy policy = RetentionPolicy.keepEverything().keep(TaskStatus.FAILED, Duration.ofDays(7));

		sweeper("node-a", policy, new SimpleMeterRegistry()).runRound();

		assertThat(existing(succeeded)).hasSize(3);
		assertThat(existing(failed)).isEmpty();
		assertThat(jobs()).containsExactly(job);
		assertThat(RetentionPolicy.keepEverything().deletesAnything()).isFalse();
	}

	@Test
	void onlyTheNodeHoldingTheLeaseDeletesUntilItHandsItBack() {
		RetentionSweeper first = sweeper("node-a", RetentionPolicy.defaults(), new SimpleMeterRegistry());
		RetentionSweeper second = sweeper("node-b", RetentionPolicy.defaults(), new SimpleMeterRegistry());
		insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		first.runRound();
		List<UUID> later = insertTasks(3, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);

		second.runRound();

		assertThat(existing(later)).hasSize(3);
		assertThat(leaseHolder()).isEqualTo("node-a");
		first.stop();
		second.runRound();
		assertThat(existing(later)).isEmpty();
		assertThat(leaseHolder()).isEqualTo("node-b");
	}

	@Test
	void stoppingWaitsForTheBatchUnderWayAndOnlyThenHandsTheLeaseBack() throws Exception {
		List<UUID> old = insertTasks(3 * BATCH_SIZE, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		CountDownLatch deleting = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// Holds the first DELETE until released, as a slow batch would
		DataSource heldDeletes = new PreparingHook(this.nodes.dataSource(), (sql) -> {
			if (sql.strip().toUpperCase(Locale.ROOT).startsWith("DELETE") && deleting.getCount() > 0) {
				deleting.countDown();
				release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
		});
		RetentionSweeper first = sweeper("node-a", heldDeletes, RetentionPolicy.defaults(), new SimpleMeterRegistry());
		RetentionSweeper second = sweeper("node-b", RetentionPolicy.defaults(), new SimpleMeterRegistry());
		CompletableFuture<Boolean> round = CompletableFuture.supplyAsync(first::runRound);
		assertThat(deleting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::stop);

		await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !stopping.isDone());
		assertThat(second.runRound()).isFalse();
		assertThat(existing(old)).hasSize(old.size());
		release.countDown();
		stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(round.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(existing(old)).hasSize(old.size() - BATCH_SIZE);
		assertThat(first.runRound()).isFalse();
		second.runRound();
		assertThat(existing(old)).isEmpty();
		assertThat(leaseHolder()).isEqualTo("node-b");
	}

	@Test
	void aLeaseIsTakenByCompareAndSetAndTakenOverOnceItLapsed() {
		JdbcLeaseStore leases = new JdbcLeaseStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix());
		Instant now = Instant.now();

		assertThat(leases.take("test", "node-a", now, now.plusSeconds(10))).isTrue();
		assertThat(leases.take("test", "node-b", now.plusSeconds(1), now.plusSeconds(11))).isFalse();
		assertThat(leases.take("test", "node-a", now.plusSeconds(2), now.plusSeconds(12))).isTrue();
		assertThat(leases.take("test", "node-b", now.plusSeconds(11), now.plusSeconds(21))).isFalse();
		assertThat(leases.take("test", "node-b", now.plusSeconds(13), now.plusSeconds(23))).isTrue();
		assertThat(leases.take("other", "node-a", now, now.plusSeconds(10))).isTrue();
	}

	@Test
	void ofTwoEnginesOnlyOneDeletes() {
		List<UUID> old = insertTasks(3 * BATCH_SIZE, TaskStatus.SUCCEEDED, "echo", ago(Duration.ofDays(2)), null);
		List<SimpleMeterRegistry> meters = List.of(new SimpleMeterRegistry(), new SimpleMeterRegistry());
		for (SimpleMeterRegistry registry : meters) {
			this.nodes.start((builder) -> builder.meterRegistry(registry)
				.retentionBatchSize(BATCH_SIZE)
				.retentionInterval(Duration.ofMillis(200)));
		}

		// Counted after each batch commits: wait for the counts, not only for the rows to go
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(meters.stream()
				.map((registry) -> registry.find(TaskQueueMetrics.RETENTION_DELETED).tag("kind", "task").counter())
				.map((counter) -> (counter != null) ? counter.count() : 0.0)
				.toList()).containsExactlyInAnyOrder(0.0, (double) old.size()));
		assertThat(existing(old)).isEmpty();
	}

	private RetentionSweeper sweeper(String holder, RetentionPolicy policy, SimpleMeterRegistry meters) {
		return sweeper(holder, this.nodes.dataSource(), policy, meters);
	}

	private RetentionSweeper sweeper(String holder, DataSource deletingOn, RetentionPolicy policy,
			SimpleMeterRegistry meters) {
		RetentionSweeper sweeper = new RetentionSweeper(
				new JdbcRetentionStore(deletingOn, this.nodes.dialect(), this.nodes.prefix()),
				new JdbcLeaseStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix()), policy,
				new RetentionSweeper.Settings(BATCH_SIZE, Duration.ofMinutes(1), Duration.ofSeconds(30),
						Duration.ofMinutes(1)),
				holder,
				new DatabaseClock(this.nodes.dataSource(), this.nodes.dialect(), Clock.systemUTC()), new DatabaseOutage(),
				TaskQueueMetrics.of(meters));
		this.sweepers.add(sweeper);
		return sweeper;
	}

	private JdbcRetentionStore retentionStore() {
		return new JdbcRetentionStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix());
	}

	private static Instant ago(Duration age) {
		return Instant.now().minus(age);
	}

	private List<UUID> insertTasks(int count, TaskStatus status, String type, @Nullable Instant finishedAt,
			@Nullable UUID job) {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(UUID.randomUUID());
		}
		this.jdbc.batchUpdate("INSERT INTO " + this.nodes.prefix() + "TASK (id, type, queue, status, priority, run_at, "
				+ "attempts, pending_parents, created_at, finished_at, job_id) VALUES (?, ?, 'default', ?, 0, ?, 1, ?, ?, ?, ?)",
				ids, ids.size(), (ps, id) -> {
					Instant created = (finishedAt != null) ? finishedAt.minusSeconds(1) : Instant.now();
					this.nodes.dialect().setId(ps, 1, id);
					ps.setString(2, type);
					ps.setString(3, status.name());
					this.nodes.dialect().setInstant(ps, 4, created);
					ps.setInt(5, (status == TaskStatus.WAITING) ? 1 : 0);
					this.nodes.dialect().setInstant(ps, 6, created);
					this.nodes.dialect().setInstant(ps, 7, finishedAt);
					this.nodes.dialect().setNullableId(ps, 8, job);
				});
		return ids;
	}

	private UUID insertTask(TaskStatus status, String type, @Nullable Instant finishedAt, @Nullable UUID job) {
		return insertTasks(1, status, type, finishedAt, job).get(0);
	}

	private void insertEdge(UUID parent, UUID child) {
		this.jdbc.update("INSERT INTO " + this.nodes.prefix() + "TASK_PARENT (parent_id, child_id) VALUES (?, ?)",
				(PreparedStatement ps) -> {
					this.nodes.dialect().setId(ps, 1, parent);
					this.nodes.dialect().setId(ps, 2, child);
				});
	}

	private void insertError(UUID task) {
		this.jdbc.update("INSERT INTO " + this.nodes.prefix()
				+ "TASK_ERROR (task_id, attempt, message, detail, failed_at) VALUES (?, 1, 'Broken', 'detail', ?)",
				(PreparedStatement ps) -> {
					this.nodes.dialect().setId(ps, 1, task);
					this.nodes.dialect().setInstant(ps, 2, Instant.now());
				});
	}

	private UUID insertJob(JobStatus status, @Nullable Instant finishedAt) {
		UUID id = UUID.randomUUID();
		this.jdbc.update("INSERT INTO " + this.nodes.prefix()
				+ "JOB (id, name, status, created_at, finished_at) VALUES (?, 'job', ?, ?, ?)", (PreparedStatement ps) -> {
					this.nodes.dialect().setId(ps, 1, id);
					ps.setString(2, status.name());
					this.nodes.dialect().setInstant(ps, 3, Instant.now().minus(Duration.ofDays(30)));
					this.nodes.dialect().setInstant(ps, 4, finishedAt);
				});
		return id;
	}

	private void insertCallback(UUID job) {
		this.jdbc.update("INSERT INTO " + this.nodes.prefix() + "JOB_CALLBACK (job_id, position, run_on, type, queue, "
				+ "priority) VALUES (?, 0, 'COMPLETE', 'echo', 'default', 0)",
				(PreparedStatement ps) -> this.nodes.dialect().setId(ps, 1, job));
	}

	private List<UUID> existing(List<UUID> ids) {
		return this.jdbc.query("SELECT id FROM " + this.nodes.prefix() + "TASK", (rs, rowNum) -> this.nodes.dialect()
			.getId(rs, "id")).stream().filter(ids::contains).toList();
	}

	private List<UUID> jobs() {
		return this.jdbc.query("SELECT id FROM " + this.nodes.prefix() + "JOB",
				(rs, rowNum) -> this.nodes.dialect().getId(rs, "id"));
	}

	private @Nullable String leaseHolder() {
		return this.jdbc.queryForObject("SELECT holder FROM " + this.nodes.prefix() + "LEASE WHERE name = ?",
				String.class, RetentionSweeper.LEASE);
	}

	private int count(String table) {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.nodes.prefix() + table, Integer.class);
		return (count != null) ? count : 0;
	}

}

package dev.taskqueue.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.store.jdbc.JdbcTaskStore;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task counts, meters and observations on every supported database: counts come from one
 * query over unfinished tasks, meters are tagged by type, queue and outcome, and each
 * execution is observed. Each database's subclass supplies a DataSource.
 */
abstract class ObservabilityContractTests {

	private TestNodes nodes;

	private final CountDownLatch release = new CountDownLatch(1);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			if ("bad".equals(payload)) {
				throw new IllegalStateException("bad payload");
			}
			return payload;
		});
		this.nodes.register("wait", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return payload;
		});
	}

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void countsGroupUnfinishedTasksByQueueTypeAndStatusAndLeaveFinishedOnesOut() {
		TaskQueue worker = start(true).queue();
		UUID done = worker.enqueue("echo", "done").id();
		TestNodes.awaitStatus(worker, done, TaskStatus.SUCCEEDED);
		worker.enqueue("wait", "running");
		await().atMost(WAIT).until(() -> this.nodes.count(TaskStatus.RUNNING) == 1);
		TaskQueueEngine enqueuer = start(false);
		UUID parent = enqueuer.queue().enqueue(TaskRequest.builder("echo").payload("later").queue("mail")
			.delay(Duration.ofHours(1)).build()).id();
		enqueuer.queue().enqueue(TaskRequest.builder("echo").payload("child").queue("mail").after(parent).build());
		enqueuer.queue().enqueue(TaskRequest.builder("echo").payload("due").queue("mail").build());
		TaskCounts counts = enqueuer.taskCounts();
		assertThat(counts.byQueue()).containsOnlyKeys("default", "mail");
		assertThat(counts.byQueue().get("default")).containsExactlyEntriesOf(Map.of(TaskStatus.RUNNING, 1L));
		assertThat(counts.count("mail", TaskStatus.READY)).isEqualTo(2);
		assertThat(counts.count("mail", TaskStatus.WAITING)).isEqualTo(1);
		assertThat(counts.count(TaskStatus.RUNNING)).isEqualTo(1);
		assertThat(counts.byType().get("echo")).containsEntry(TaskStatus.READY, 2L);
		assertThat(counts.backlog()).isEqualTo(1);
		assertThat(counts.oldestDueAge("default")).isZero();
	}

	@Test
	void theOldestDueAgeGrowsWhileNoWorkerClaimsAndStartLagIsRecordedOnceOneDoes() {
		TaskQueueEngine enqueuer = start(false);
		enqueuer.queue().enqueue("echo", "late");
		await().atMost(WAIT).until(() -> enqueuer.taskCounts().oldestDueAge().compareTo(Duration.ofMillis(300)) >= 0);
		assertThat(enqueuer.taskCounts().backlog()).isEqualTo(1);
		start(true);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.meters.find(TaskQueueMetrics.TASK_START_LAG)
			.tags("type", "echo", "queue", "default")
			.timer()).isNotNull()
			.satisfies((lag) -> assertThat(lag.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300)));
		assertThat(this.meters.find(TaskQueueMetrics.CLAIM_SIZE).tag("queue", "default").summary().totalAmount())
			.isEqualTo(1);
		assertThat(this.meters.find(TaskQueueMetrics.CLAIM_DURATION).tag("queue", "default").timer().count())
			.isPositive();
	}

	@Test
	void enqueuedAndFinishedTasksAreCountedByTypeQueueAndOutcome() {
		TaskQueue queue = start(true).queue();
		UUID good = queue.enqueue("echo", "good").id();
		UUID bad = queue.enqueue("echo", "bad").id();
		UUID retried = queue.enqueue(TaskRequest.builder("echo").payload("bad").retries(1)
			.retryDelay(Duration.ofMillis(10), 1.0, Duration.ofMillis(10)).build()).id();
		TestNodes.awaitStatus(queue, good, TaskStatus.SUCCEEDED);
		TestNodes.awaitStatus(queue, bad, TaskStatus.FAILED);
		TestNodes.awaitStatus(queue, retried, TaskStatus.FAILED);
		assertThat(this.meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "echo", "queue", "default")
			.counter().count()).isEqualTo(3);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(finished("succeeded")).isEqualTo(1);
			assertThat(finished("failed")).isEqualTo(2);
			assertThat(finished("retried")).isEqualTo(1);
		});
		assertThat(this.meters.get(TaskQueueMetrics.TASK_DURATION).tags("type", "echo", "outcome", "retried")
			.timer().count()).isEqualTo(1);
	}

	@Test
	void aRequestWhoseUniqueKeyIsHeldIsNotCountedAsEnqueued() {
		TaskQueue queue = start(false).queue();
		UUID first = queue.enqueue(TaskRequest.builder("echo").payload("first").key("only-one").build()).id();
		assertThat(queue.enqueue(TaskRequest.builder("echo").payload("second").key("only-one").build()).id())
			.isEqualTo(first);
		assertThat(this.meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "echo", "queue", "default")
			.counter().count()).isEqualTo(1);
	}

	@Test
	void tasksFromEverySourceAreCountedAsEnqueuedOnceWhenInserted() {
		this.nodes.register("planner", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			int run = (Integer) payload;
			// The key's holder is due in an hour: the later runs' requests for it insert nothing
			context.addToJob(List.of(TaskRequest.builder("echo").payload("chunk " + run).queue("chunks").build(),
					TaskRequest.builder("echo").payload("held").queue("chunks").key("held").delay(Duration.ofHours(1))
						.build()));
			if (run < 2) {
				context.planNext(run + 1);
			}
			return null;
		});
		TaskQueueEngine engine = start(true);
		TaskQueue queue = engine.queue();
		queue.startJob(JobRequest.builder("planned").planner(TaskRequest.of("planner", 0)).build());
		JobRef withCallback = queue.startJob(JobRequest.builder("called back")
			.task(TaskRequest.of("echo", "job task"))
			.onSuccess(TaskRequest.builder("echo").payload("callback").queue("callbacks").build())
			.build());
		JobRef open = queue.startJob(JobRequest.builder("open")
			.task(TaskRequest.builder("echo").payload("later").queue("jobs").delay(Duration.ofHours(1)).build())
			.build());
		queue.addToJob(open.id(), List.of(TaskRequest.builder("echo").payload("added").queue("added").build()));
		engine.schedules().create(ScheduleRequest.cron("tick", "echo", "* * * * * *").payload("tick").queue("fired")
			.build());
		engine.schedules().trigger("tick");
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(rows("echo", "fired")).isGreaterThanOrEqualTo(3);
			assertThat(rows("echo", "callbacks")).isOne();
			assertThat(rows("echo", "chunks")).isEqualTo(4);
		});
		engine.schedules().pause("tick");
		assertThat(queue.findJob(withCallback.id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
		await().atMost(WAIT).untilAsserted(() -> {
			for (String tasksQueue : List.of("fired", "callbacks", "chunks", "default", "jobs", "added")) {
				assertThat(enqueued("echo", tasksQueue)).as(tasksQueue).isEqualTo(rows("echo", tasksQueue));
			}
		});
		assertThat(enqueued("echo", "added")).isOne();
		assertThat(enqueued("planner", "default")).isEqualTo(rows("planner", "default")).isOne();
	}

	@Test
	void aRunningTaskCancelledIsCountedOnceAsCancelledAndItsDiscardedOutcomeNotAtAll() {
		TaskQueue queue = start(true).queue();
		UUID waiting = queue.enqueue("wait", "a").id();
		TestNodes.awaitStatus(queue, waiting, TaskStatus.RUNNING);
		assertThat(queue.cancel(waiting)).isTrue();
		// The interrupted handler fails; the store discards that outcome, its attempt no longer current
		await().atMost(WAIT).until(() -> this.meters.find(TaskQueueMetrics.TASK_DURATION).tag("type", "wait").timer() != null);
		// Outcomes are written in the order they come: once a later one is counted, the cancelled one was written
		UUID later = queue.enqueue("echo", "later").id();
		TestNodes.awaitStatus(queue, later, TaskStatus.SUCCEEDED);
		await().atMost(WAIT).until(() -> finished("succeeded") == 1);
		assertThat(this.meters.find(TaskQueueMetrics.TASKS_FINISHED).tag("type", "wait").counters()).singleElement()
			.satisfies((counter) -> {
				assertThat(counter.getId().getTag("outcome")).isEqualTo(TaskQueueMetrics.CANCELLED);
				assertThat(counter.getId().getTag("queue")).isEqualTo("default");
				assertThat(counter.count()).isEqualTo(1);
			});
		assertThat(this.meters.get(TaskQueueMetrics.TASK_DURATION).tag("type", "wait").timer().count()).isEqualTo(1);
	}

	@Test
	void tasksCancelledBeforeTheyRanAreCountedOnceEachWithTheTasksWaitingForThem() {
		TaskQueue queue = start(false).queue();
		TaskRequest parent = TaskRequest.builder("echo").payload("parent").queue("mail").build();
		TaskRequest child = TaskRequest.builder("echo").payload("child").queue("mail").after(parent).build();
		// Waits for both: reached twice, counted once
		TaskRequest grandchild = TaskRequest.builder("echo").payload("grandchild").after(parent, child).build();
		queue.enqueueAll(List.of(parent, child, grandchild));
		queue.enqueue("echo", "left alone");
		assertThat(queue.cancel(parent.id())).isTrue();
		assertThat(queue.cancel(parent.id())).isFalse();
		assertThat(queue.cancel(child.id())).isFalse();
		assertThat(cancelled("echo", "mail")).isEqualTo(2);
		assertThat(cancelled("echo", "default")).isEqualTo(1);
	}

	@Test
	void aJobCancelledCountsEachOfItsUnfinishedTasksAndTheirWaitingDescendantsOnce() {
		TaskQueue queue = start(false).queue();
		TaskRequest first = TaskRequest.builder("echo").payload("first").queue("jobs").build();
		TaskRequest second = TaskRequest.builder("echo").payload("second").queue("jobs").after(first).build();
		TaskRequest third = TaskRequest.builder("echo").payload("third").queue("jobs").after(first, second).build();
		JobRef job = queue.startJob(JobRequest.builder("cancelled").tasks(first, second, third).build());
		queue.enqueue(TaskRequest.builder("echo").payload("outside the job").after(third.id()).build());
		assertThat(queue.cancelJob(job.id())).isTrue();
		assertThat(queue.cancelJob(job.id())).isFalse();
		assertThat(cancelled("echo", "jobs")).isEqualTo(3);
		assertThat(cancelled("echo", "default")).isEqualTo(1);
	}

	@Test
	void aFailedTaskCancelledIsNotCountedAgain() {
		TaskQueue queue = start(true).queue();
		UUID bad = queue.enqueue("echo", "bad").id();
		TestNodes.awaitStatus(queue, bad, TaskStatus.FAILED);
		assertThat(queue.cancel(bad)).isTrue();
		await().atMost(WAIT).until(() -> finished("failed") == 1);
		assertThat(cancelled("echo", "default")).isZero();
	}

	@Test
	void anAttemptThatOutlivedItsTimeoutIsCountedAsTimedOut() {
		TaskQueue queue = start(true).queue();
		UUID id = queue.enqueue(TaskRequest.builder("wait").payload("slow").timeout(Duration.ofMillis(100)).build()).id();
		TestNodes.awaitStatus(queue, id, TaskStatus.FAILED);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.meters.find(TaskQueueMetrics.TASKS_FINISHED)
			.tags("type", "wait", "queue", "default").counters()).singleElement()
			.satisfies((counter) -> {
				assertThat(counter.getId().getTag("outcome")).isEqualTo(TaskQueueMetrics.TIMED_OUT);
				assertThat(counter.count()).isEqualTo(1);
			}));
	}

	@Test
	void anAttemptTakenBackFromANodeThatDiedIsCountedAsRescuedByTheNodeThatTookItBack() {
		TaskQueue enqueuer = this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
		UUID id = enqueuer.enqueue(TaskRequest.builder("echo").payload("rescued").retries(1)
			.retryDelay(Duration.ofMillis(10), 1.0, Duration.ofMillis(10)).build()).id();
		// A node that claims it and dies: its lease lapses at once
		new JdbcTaskStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix(),
				new PayloadCodec(JsonMapper.builder().build()), "dead", TaskQueueMetrics.of(null))
			.claim("default", 1, "dead-node", Instant.now(), Instant.now().minusSeconds(1));
		assertThat(enqueuer.find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
		start(true);
		TestNodes.awaitStatus(enqueuer, id, TaskStatus.SUCCEEDED);
		await().atMost(WAIT).until(() -> finished("succeeded") == 1);
		assertThat(finished(TaskQueueMetrics.RESCUED)).isEqualTo(1);
		assertThat(finished("retried")).isZero();
		assertThat(finished("failed")).isZero();
	}

	@Test
	void gaugesShowTasksPerQueueAndStatusAndTheSlotsInUse() {
		TaskQueueEngine engine = start(true);
		engine.queue().enqueue("wait", "a");
		engine.queue().enqueue(TaskRequest.builder("echo").payload("later").delay(Duration.ofHours(1)).build());
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(gauge(TaskQueueMetrics.TASKS, "status", "running")).isEqualTo(1);
			assertThat(gauge(TaskQueueMetrics.TASKS, "status", "ready")).isEqualTo(1);
			assertThat(this.meters.get(TaskQueueMetrics.WORKER_SLOTS_USED).tag("queue", "default").gauge().value())
				.isEqualTo(1);
		});
		assertThat(gauge(TaskQueueMetrics.TASKS, "status", "waiting")).isZero();
		assertThat(this.meters.get(TaskQueueMetrics.WORKER_SLOTS).tag("queue", "default").gauge().value())
			.isEqualTo(10);
		assertThat(this.meters.get(TaskQueueMetrics.OLDEST_DUE_AGE).tag("queue", "default").timeGauge()
			.value(TimeUnit.MILLISECONDS)).isZero();
	}

	@Test
	void eachExecutionIsObservedWithItsTypeQueueAndOutcome() {
		List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
		TaskQueue queue = this.nodes.start((builder) -> builder.observationRegistry(observations(stopped))).queue();
		UUID id = queue.enqueue("echo", "bad").id();
		TestNodes.awaitStatus(queue, id, TaskStatus.FAILED);
		await().atMost(WAIT).until(() -> !stopped.isEmpty());
		assertThat(stopped).singleElement().satisfies((context) -> {
			assertThat(context.getName()).isEqualTo(TaskQueueMetrics.TASK_EXECUTION_OBSERVATION);
			assertThat(context.getLowCardinalityKeyValue("type").getValue()).isEqualTo("echo");
			assertThat(context.getLowCardinalityKeyValue("queue").getValue()).isEqualTo("default");
			assertThat(context.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("failed");
			assertThat(context.getHighCardinalityKeyValue("task.id").getValue()).isEqualTo(id.toString());
			assertThat(context.getHighCardinalityKeyValue("error").getValue()).isEqualTo("bad payload");
			assertThat(context.getError()).isInstanceOf(IllegalStateException.class).hasMessage("bad payload");
		});
	}

	@Test
	void anExecutionThatOutlivesItsTimeoutIsObservedAsTimedOut() {
		List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
		TaskQueue queue = this.nodes.start((builder) -> builder.observationRegistry(observations(stopped))).queue();
		UUID id = queue.enqueue(TaskRequest.builder("wait").payload("slow").timeout(Duration.ofMillis(100)).build()).id();
		TestNodes.awaitStatus(queue, id, TaskStatus.FAILED);
		await().atMost(WAIT).until(() -> !stopped.isEmpty());
		assertThat(stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValue("outcome").getValue())
				.isEqualTo(TaskQueueMetrics.TIMED_OUT));
	}

	private static ObservationRegistry observations(List<Observation.Context> stopped) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				stopped.add(context);
			}

		});
		return observations;
	}

	private TaskQueueEngine start(boolean worker) {
		return this.nodes.start((builder) -> builder.workerEnabled(worker)
			.meterRegistry(this.meters)
			.taskCountsRefreshInterval(Duration.ZERO));
	}

	private double finished(String outcome) {
		Counter counter = this.meters.find(TaskQueueMetrics.TASKS_FINISHED)
			.tags("type", "echo", "queue", "default", "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double enqueued(String type, String queue) {
		Counter counter = this.meters.find(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", type, "queue", queue).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double cancelled(String type, String queue) {
		Counter counter = this.meters.find(TaskQueueMetrics.TASKS_FINISHED)
			.tags("type", type, "queue", queue, "outcome", TaskQueueMetrics.CANCELLED)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private int rows(String type, String queue) {
		Integer rows = new JdbcTemplate(this.nodes.dataSource()).queryForObject(
				"SELECT COUNT(*) FROM " + this.nodes.prefix() + "TASK WHERE type = ? AND queue = ?", Integer.class, type,
				queue);
		return (rows != null) ? rows : 0;
	}

	private double gauge(String name, String tag, String value) {
		return this.meters.get(name).tags("queue", "default", tag, value).gauge().value();
	}

}

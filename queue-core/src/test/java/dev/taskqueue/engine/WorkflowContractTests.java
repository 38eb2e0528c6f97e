package dev.taskqueue.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The flows and jobs every supported database must run: tasks that read their parents'
 * results, long chains, jobs planned in chunks with steady progress, callbacks enqueued once
 * per end of a job even when two nodes end it together, compensation and retry of a failed
 * flow, cleanup steps that run after a failed parent, cancelling, paging and adding to a
 * job, and starting a job as all or nothing. Each database's subclass supplies a
 * DataSource.
 */
abstract class WorkflowContractTests {

	private static final String ON_SUCCESS = "job-succeeded";

	private static final String ON_FAILURE = "job-failed";

	private static final String ON_COMPLETE = "job-completed";

	private static final Duration LONG_WAIT = Duration.ofMinutes(2);

	private static final Duration STAYS = Duration.ofMillis(500);

	private TestNodes nodes;

	private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();

	private final List<Callback> callbacks = new CopyOnWriteArrayList<>();

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		for (String type : List.of(ON_SUCCESS, ON_FAILURE, ON_COMPLETE)) {
			this.nodes.register(type, UUID.class, TaskTypeSettings.NONE, (payload, context) -> {
				this.callbacks.add(new Callback(context.type(), (UUID) payload, context.jobId()));
				return null;
			});
		}
	}

	@AfterEach
	void closeNodes() {
		this.latches.forEach(CountDownLatch::countDown);
		this.nodes.close();
	}

	@Test
	void diamondJoinReadsBothParentsResultsByIdAndByType() {
		this.nodes.register("source", Integer.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		this.nodes.register("increment", String.class, TaskTypeSettings.NONE,
				(payload, context) -> context.parentResult("source", Integer.class) + 1);
		this.nodes.register("triple", String.class, TaskTypeSettings.NONE,
				(payload, context) -> context.parentResult("source", Integer.class) * 3);
		this.nodes.register("combine", Branches.class, TaskTypeSettings.NONE, (payload, context) -> {
			Branches branches = (Branches) payload;
			Integer incrementById = context.parentResult(branches.increment(), Integer.class);
			Integer incrementByType = context.parentResult("increment", Integer.class);
			Integer tripleById = context.parentResult(branches.triple(), Integer.class);
			Integer tripleByType = context.parentResult("triple", Integer.class);
			return new Combined(incrementById, incrementByType, tripleById, tripleByType, incrementById + tripleById);
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest a = TaskRequest.of("source", 5);
		TaskRequest b = TaskRequest.builder("increment").after(a).build();
		TaskRequest c = TaskRequest.builder("triple").after(a).build();
		TaskRequest d = TaskRequest.builder("combine").payload(new Branches(b.id(), c.id())).after(b, c).build();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("diamond").tasks(a, b, c, d)));
		assertThat(job.name()).isEqualTo("diamond");
		JobState state = awaitJobEnd(queue, job.id());
		assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(queue.find(d.id()).orElseThrow().result(Combined.class)).isEqualTo(new Combined(6, 6, 15, 15, 21));
		assertThat(state.count(TaskStatus.SUCCEEDED)).isEqualTo(4);
		assertThat(state.total()).isEqualTo(4);
		assertThat(state.progress()).isEqualTo(1.0);
		assertThat(queue.find(d.id()).orElseThrow().parents()).containsExactlyInAnyOrder(b.id(), c.id());
		assertThat(queue.findJobTasks(job.id(), null, 0, 10)).extracting(TaskState::jobId).containsOnly(job.id());
		assertCallbacks(job.id(), 1, 0, 1);
	}

	@Test
	void chainOfAThousandTasksRunsInOrder() {
		int length = 1_000;
		List<Integer> order = new CopyOnWriteArrayList<>();
		this.nodes.register("link", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			order.add((Integer) payload);
			return null;
		});
		TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(4)).queue();
		List<TaskRequest> links = new ArrayList<>(length);
		for (int i = 0; i < length; i++) {
			TaskRequest.Builder link = TaskRequest.builder("link").payload(i);
			if (i > 0) {
				link.after(links.get(i - 1));
			}
			links.add(link.build());
		}
		JobRef job = queue.startJob(JobRequest.builder("chain").tasks(links).build());
		JobState state = awaitJobEnd(queue, job.id(), LONG_WAIT);
		assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(state.count(TaskStatus.SUCCEEDED)).isEqualTo(length);
		assertThat(order).containsExactlyElementsOf(IntStream.range(0, length).boxed().toList());
	}

	@Test
	void jobPlannedInChunksRunsEveryItemWithProgressThatNeverFallsAndSucceedsOnce() {
		int items = 10_000;
		int chunk = 500;
		AtomicInteger itemRuns = new AtomicInteger();
		this.nodes.register("item", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			itemRuns.incrementAndGet();
			return null;
		});
		this.nodes.register("planner", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			int cursor = (Integer) payload;
			int end = Math.min(cursor + chunk, items);
			List<TaskRequest> requests = new ArrayList<>(chunk);
			for (int i = cursor; i < end; i++) {
				requests.add(TaskRequest.of("item", i));
			}
			context.addToJob(requests);
			if (end < items) {
				context.planNext(end);
			}
			return null;
		});
		TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(16)).queue();
		TaskRequest planner = TaskRequest.of("planner", 0);
		JobRef job = queue.startJob(withCallbacks(
				JobRequest.builder("planned").planner(planner).expectedTasks(items)));
		List<Double> progress = new CopyOnWriteArrayList<>();
		JobState state = await().atMost(LONG_WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
			JobState sample = queue.findJob(job.id()).orElseThrow();
			progress.add(sample.progress());
			return sample;
		}, (sample) -> sample.status().isFinished());
		assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(progress).isSorted().allSatisfy((value) -> assertThat(value).isBetween(0.0, 1.0));
		assertThat(progress).last().isEqualTo(1.0);
		assertThat(state.count(TaskStatus.SUCCEEDED)).isEqualTo(items + 1);
		assertThat(state.total()).isEqualTo(items + 1);
		assertThat(state.planning()).isFalse();
		assertThat(state.expectedTasks()).isEqualTo(items);
		assertThat(state.progress()).isEqualTo(1.0);
		assertThat(state.startedAt()).isNotNull();
		assertThat(state.finishedAt()).isNotNull().isAfterOrEqualTo(state.startedAt());
		assertThat(itemRuns.get()).isEqualTo(items);
		TaskState plannerState = queue.find(planner.id()).orElseThrow();
		assertThat(plannerState.status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(plannerState.attempts()).isEqualTo(items / chunk);
		assertThat(plannerState.worker()).as("the node that ran it").isNotNull();
		assertCallbacks(job.id(), 1, 0, 1);
	}

	@Test
	void lastTasksOfAJobFinishingTogetherOnTwoNodesEnqueueItsCallbacksOnce() {
		int jobs = 10;
		Map<UUID, CyclicBarrier> barriers = new ConcurrentHashMap<>();
		this.nodes.register("together", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			barriers.get(context.jobId()).await(30, TimeUnit.SECONDS);
			return null;
		});
		// One task at a time per node: the job's two tasks can only meet at the barrier,
		// and finish together, if each runs on a node of its own
		TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(1).batchSize(1)).queue();
		this.nodes.start((builder) -> builder.concurrency(1).batchSize(1));
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			JobRequest request = withCallbacks(JobRequest.builder("race " + i)
				.tasks(TaskRequest.of("together", "left"), TaskRequest.of("together", "right")));
			barriers.put(request.id(), new CyclicBarrier(2));
			JobRef job = queue.startJob(request);
			ids.add(job.id());
			JobState state = awaitJobEnd(queue, job.id());
			assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(ids)
			.allSatisfy((id) -> assertThat(callbackCounts(id)).containsExactly(1, 0, 1)));
		await().during(STAYS).atMost(WAIT).untilAsserted(() -> assertThat(ids)
			.allSatisfy((id) -> assertThat(callbackCounts(id)).containsExactly(1, 0, 1)));
		assertThat(countTasksOfType(ON_SUCCESS)).isEqualTo(jobs);
		assertThat(countTasksOfType(ON_COMPLETE)).isEqualTo(jobs);
	}

	@Test
	void failedStepRunsTheFlowsCompensationAndTheFlowFinishesOnceTheStepIsFixedAndRetried() {
		AtomicBoolean fixed = new AtomicBoolean();
		AtomicInteger lastRuns = new AtomicInteger();
		this.nodes.register("charge", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			if (!fixed.get()) {
				throw new IllegalStateException("Card declined");
			}
			return "charged " + context.parentResult("echo", String.class);
		});
		this.nodes.register("ship", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			lastRuns.incrementAndGet();
			return context.parentResult("charge", String.class) + ", shipped";
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest reserve = TaskRequest.of("echo", "order-1");
		TaskRequest charge = TaskRequest.builder("charge").after(reserve).retries(0).build();
		TaskRequest ship = TaskRequest.builder("ship").after(charge).build();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("checkout").tasks(reserve, charge, ship)));
		JobState failed = awaitJobEnd(queue, job.id());
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.count(TaskStatus.SUCCEEDED)).isOne();
		assertThat(failed.count(TaskStatus.FAILED)).isOne();
		assertThat(failed.count(TaskStatus.WAITING)).isOne();
		assertThat(failed.finishedAt()).isNotNull();
		TaskState failedStep = queue.find(charge.id()).orElseThrow();
		assertThat(failedStep.attempts()).isOne();
		assertThat(failedStep.errorMessage()).isEqualTo("Card declined");
		assertThat(failedStep.worker()).as("the node that ran it").isNotNull();
		assertCallbacks(job.id(), 0, 1, 1);
		assertThat(lastRuns.get()).isZero();
		fixed.set(true);
		assertThat(queue.retry(charge.id())).isTrue();
		JobState succeeded = awaitJobStatus(queue, job.id(), JobStatus.SUCCEEDED);
		assertThat(succeeded.count(TaskStatus.SUCCEEDED)).isEqualTo(3);
		assertThat(succeeded.total()).isEqualTo(3);
		assertThat(lastRuns.get()).isOne();
		assertThat(queue.find(ship.id()).orElseThrow().result(String.class)).isEqualTo("charged order-1, shipped");
		// Each end of the job enqueues its own callbacks: compensation ran for the failure only
		assertCallbacks(job.id(), 1, 1, 2);
	}

	@Test
	void retryJobRunsTheFailedTasksAgainAndTheJobEndsAgain() {
		AtomicBoolean fixed = new AtomicBoolean();
		this.nodes.register("flaky", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			if (!fixed.get()) {
				throw new IllegalStateException("Not yet " + payload);
			}
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest first = TaskRequest.builder("flaky").payload("first").retries(0).build();
		TaskRequest second = TaskRequest.builder("flaky").payload("second").retries(0).build();
		TaskRequest fine = TaskRequest.of("echo", "fine");
		TaskRequest after = TaskRequest.builder("echo").payload("after").after(first, second).build();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("flaky job").tasks(first, second, fine, after)));
		JobState failed = awaitJobEnd(queue, job.id());
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.count(TaskStatus.FAILED)).isEqualTo(2);
		assertCallbacks(job.id(), 0, 1, 1);
		fixed.set(true);
		assertThat(queue.retryJob(job.id())).isEqualTo(2);
		JobState succeeded = awaitJobStatus(queue, job.id(), JobStatus.SUCCEEDED);
		assertThat(succeeded.count(TaskStatus.SUCCEEDED)).isEqualTo(4);
		assertThat(queue.find(after.id()).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertCallbacks(job.id(), 1, 1, 2);
		assertThat(queue.retryJob(job.id())).isZero();
	}

	@Test
	void jobStartedInATransactionThatRollsBackLeavesNothing() {
		AtomicInteger runs = new AtomicInteger();
		this.nodes.register("step", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			runs.incrementAndGet();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TransactionTemplate transaction = new TransactionTemplate(
				new DataSourceTransactionManager(this.nodes.dataSource()));
		TaskRequest first = TaskRequest.of("step", "first");
		TaskRequest second = TaskRequest.builder("step").payload("second").after(first).build();
		TaskRequest third = TaskRequest.builder("step").payload("third").after(second).build();
		JobRequest flow = withCallbacks(JobRequest.builder("rolled back").tasks(first, second, third));
		transaction.executeWithoutResult((status) -> {
			assertThat(queue.startJob(flow).id()).isEqualTo(flow.id());
			// Written in the caller's transaction, and visible there
			assertThat(queue.findJob(flow.id())).isPresent();
			assertThat(rows("TASK")).isEqualTo(3);
			assertThat(rows("TASK_PARENT")).isEqualTo(2);
			assertThat(rows("JOB")).isOne();
			assertThat(rows("JOB_CALLBACK")).isEqualTo(3);
			status.setRollbackOnly();
		});
		assertThat(queue.findJob(flow.id())).isEmpty();
		assertThat(queue.find(first.id())).isEmpty();
		assertThat(rows("TASK")).isZero();
		assertThat(rows("TASK_PARENT")).isZero();
		assertThat(rows("JOB")).isZero();
		assertThat(rows("JOB_CALLBACK")).isZero();
		await().during(STAYS).atMost(WAIT).until(() -> runs.get() == 0 && rows("TASK") == 0);
	}

	@Test
	void cleanupAfterAFailedParentRunsWithoutItsResultAndTheJobFailsOnceItHasRun() {
		CountDownLatch cleanupStarted = latch();
		CountDownLatch releaseCleanup = latch();
		List<String> parentResults = new CopyOnWriteArrayList<>();
		this.nodes.register("broken", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			throw new IllegalStateException("Broken " + payload);
		});
		this.nodes.register("cleanup", UUID.class, TaskTypeSettings.NONE, (payload, context) -> {
			parentResults.add(String.valueOf(context.parentResult((UUID) payload, String.class)));
			cleanupStarted.countDown();
			releaseCleanup.await();
			return "cleaned up";
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest a = TaskRequest.builder("broken").payload("a").retries(0).build();
		TaskRequest b = TaskRequest.builder("echo").payload("b").after(a).build();
		TaskRequest c = TaskRequest.builder("cleanup").payload(a.id()).afterEvenIfFailed(a).build();
		JobRef job = queue.startJob(JobRequest.builder("with cleanup")
			.tasks(a, b, c)
			.onFailure(TaskRequest.of(ON_FAILURE, null))
			.onFailure(TaskRequest.of("echo", "own payload"))
			.onSuccess(TaskRequest.of(ON_SUCCESS, null))
			.build());
		await().atMost(WAIT).until(() -> cleanupStarted.getCount() == 0);
		assertThat(queue.find(a.id()).orElseThrow().status()).isEqualTo(TaskStatus.FAILED);
		// The cleanup still runs: the job has not ended yet
		JobState running = queue.findJob(job.id()).orElseThrow();
		assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(running.finishedAt()).isNull();
		assertThat(this.callbacks).isEmpty();
		releaseCleanup.countDown();
		JobState failed = awaitJobEnd(queue, job.id());
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.count(TaskStatus.FAILED)).isOne();
		assertThat(failed.count(TaskStatus.SUCCEEDED)).isOne();
		assertThat(failed.count(TaskStatus.WAITING)).isOne();
		assertThat(failed.total()).isEqualTo(3);
		assertThat(parentResults).containsExactly("null");
		assertThat(queue.find(c.id()).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(queue.find(b.id()).orElseThrow().status()).isEqualTo(TaskStatus.WAITING);
		assertCallbacks(job.id(), 0, 1, 0);
		// The callback is an ordinary task, outside the job, given the job id as its payload
		assertThat(this.callbacks).singleElement().isEqualTo(new Callback(ON_FAILURE, job.id(), null));
		await().atMost(WAIT).until(() -> countTasksOfType("echo", TaskStatus.SUCCEEDED) == 1);
		assertThat(queue.findJob(job.id()).orElseThrow().total()).isEqualTo(3);
	}

	@Test
	void cleanupAfterASucceededParentReadsItsResult() {
		this.nodes.register("cleanup", UUID.class, TaskTypeSettings.NONE,
				(payload, context) -> "after " + context.parentResult((UUID) payload, String.class));
		TaskQueue queue = this.nodes.start();
		TaskRequest a = TaskRequest.of("echo", "a");
		TaskRequest c = TaskRequest.builder("cleanup").payload(a.id()).afterEvenIfFailed(a).build();
		JobRef job = queue.startJob(JobRequest.builder("clean").tasks(a, c).build());
		assertThat(awaitJobEnd(queue, job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(queue.find(c.id()).orElseThrow().result(String.class)).isEqualTo("after a");
	}

	@Test
	void cancelJobCancelsItsWaitingReadyAndRunningTasksAndRunsNoCallback() {
		CountDownLatch started = latch();
		CountDownLatch interrupted = latch();
		Set<Boolean> sawCancelled = Collections.synchronizedSet(new HashSet<>());
		this.nodes.register("gate", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			started.countDown();
			try {
				latch().await();
			}
			catch (InterruptedException ex) {
				sawCancelled.add(context.isCancelled());
				interrupted.countDown();
				throw ex;
			}
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest running = TaskRequest.of("gate", "running");
		TaskRequest waiting = TaskRequest.builder("echo").payload("waiting").after(running).build();
		// On a queue no node serves: it stays READY
		TaskRequest ready = TaskRequest.builder("echo").payload("ready").queue("parked").build();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("cancelled").tasks(running, waiting, ready)));
		await().atMost(WAIT).until(() -> started.getCount() == 0);
		assertThat(queue.find(running.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(queue.find(waiting.id()).orElseThrow().status()).isEqualTo(TaskStatus.WAITING);
		assertThat(queue.find(ready.id()).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		assertThat(queue.cancelJob(job.id())).isTrue();
		await().atMost(WAIT).until(() -> interrupted.getCount() == 0);
		assertThat(sawCancelled).containsExactly(true);
		for (TaskRequest task : List.of(running, waiting, ready)) {
			awaitStatus(queue, task.id(), TaskStatus.CANCELLED);
		}
		JobState cancelled = queue.findJob(job.id()).orElseThrow();
		assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(cancelled.count(TaskStatus.CANCELLED)).isEqualTo(3);
		assertThat(cancelled.total()).isEqualTo(3);
		assertThat(cancelled.finishedAt()).isNotNull();
		assertThat(queue.cancelJob(job.id())).isFalse();
		assertThatExceptionOfType(TaskQueueException.class).isThrownBy(() -> queue.retryJob(job.id()));
		await().during(STAYS).atMost(WAIT).until(() -> this.callbacks.isEmpty() && this.nodes.count(null) == 3);
		assertThat(queue.findJob(job.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
	}

	@Test
	void taskCancelledOnItsOwnFailsTheJobOnceTheRestHaveFinished() {
		CountDownLatch release = latch();
		this.nodes.register("hold", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			release.await();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest held = TaskRequest.of("hold", "held");
		TaskRequest other = TaskRequest.of("echo", "other");
		TaskRequest child = TaskRequest.builder("echo").payload("child").after(other).build();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("partly cancelled").tasks(held, other, child)));
		awaitStatus(queue, held.id(), TaskStatus.RUNNING);
		awaitStatus(queue, other.id(), TaskStatus.SUCCEEDED);
		// Cancelled on its own, not with the job
		assertThat(queue.cancel(held.id())).isTrue();
		JobState failed = awaitJobEnd(queue, job.id());
		assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
		assertThat(failed.count(TaskStatus.CANCELLED)).isOne();
		assertThat(failed.count(TaskStatus.SUCCEEDED)).isEqualTo(2);
		assertCallbacks(job.id(), 0, 1, 1);
	}

	@Test
	void jobTasksArePagedAndFilteredByStatus() {
		TaskQueue queue = this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
		List<TaskRequest> tasks = pagedTasks();
		JobRef job = queue.startJob(JobRequest.builder("paged").tasks(tasks).build());
		List<TaskState> first = queue.findJobTasks(job.id(), null, 0, 10);
		List<TaskState> second = queue.findJobTasks(job.id(), null, 10, 10);
		List<TaskState> third = queue.findJobTasks(job.id(), null, 20, 10);
		assertThat(first).hasSize(10);
		assertThat(second).hasSize(10);
		assertThat(third).hasSize(5);
		List<TaskState> pages = new ArrayList<>(first);
		pages.addAll(second);
		pages.addAll(third);
		List<TaskState> all = queue.findJobTasks(job.id(), null, 0, 100);
		assertThat(pages).extracting(TaskState::id)
			.containsExactlyElementsOf(all.stream().map(TaskState::id).toList())
			.containsExactlyInAnyOrderElementsOf(ids(tasks));
		assertThat(pages).extracting(TaskState::jobId).containsOnly(job.id());
		assertThat(queue.findJobTasks(job.id(), null, 25, 10)).isEmpty();
		List<TaskState> waiting = queue.findJobTasks(job.id(), TaskStatus.WAITING, 0, 10);
		assertThat(waiting).extracting(TaskState::id).containsExactlyInAnyOrderElementsOf(ids(tasks.subList(20, 25)));
		assertThat(waiting).extracting(TaskState::status).containsOnly(TaskStatus.WAITING);
		List<TaskState> ready = new ArrayList<>(queue.findJobTasks(job.id(), TaskStatus.READY, 0, 10));
		ready.addAll(queue.findJobTasks(job.id(), TaskStatus.READY, 10, 10));
		assertThat(ready).extracting(TaskState::id)
			.containsExactlyElementsOf(
					all.stream().filter((task) -> task.status() == TaskStatus.READY).map(TaskState::id).toList())
			.containsExactlyInAnyOrderElementsOf(ids(tasks.subList(0, 20)));
		assertThat(queue.findJobTasks(job.id(), TaskStatus.READY, 20, 10)).isEmpty();
		assertThat(queue.findJobTasks(job.id(), TaskStatus.SUCCEEDED, 0, 10)).isEmpty();
		assertThat(queue.findJobTasks(UUID.randomUUID(), null, 0, 10)).isEmpty();
		JobState state = queue.findJob(job.id()).orElseThrow();
		assertThat(state.name()).isEqualTo("paged");
		assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(state.count(TaskStatus.READY)).isEqualTo(20);
		assertThat(state.count(TaskStatus.WAITING)).isEqualTo(5);
		assertThat(state.counts()).containsOnlyKeys(TaskStatus.values());
		assertThat(state.progress()).isZero();
		assertThat(state.planning()).isFalse();
		assertThat(state.startedAt()).isNull();
		assertThat(state.finishedAt()).isNull();
	}

	@Test
	void jobTasksAreListedInTheOrderTheyWereAdded() {
		TaskQueue queue = this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
		List<TaskRequest> tasks = pagedTasks();
		JobRef job = queue.startJob(JobRequest.builder("ordered").tasks(tasks.subList(0, 15)).build());
		queue.addToJob(job.id(), tasks.subList(15, 25));
		List<TaskState> pages = new ArrayList<>();
		for (int offset = 0; offset < 25; offset += 10) {
			pages.addAll(queue.findJobTasks(job.id(), null, offset, 10));
		}
		assertThat(pages).extracting(TaskState::id).containsExactlyElementsOf(ids(tasks));
		assertThat(queue.findJobTasks(job.id(), TaskStatus.WAITING, 0, 10)).extracting(TaskState::id)
			.containsExactlyElementsOf(ids(tasks.subList(20, 25)));
	}

	@Test
	void tasksAddedToARunningJobRunAndCountButAFinishedJobTakesNoMore() {
		CountDownLatch release = latch();
		this.nodes.register("hold", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			release.await();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		JobRef job = queue.startJob(withCallbacks(JobRequest.builder("growing").task(TaskRequest.of("hold", "x"))));
		TaskRequest added = TaskRequest.of("echo", "added");
		TaskRequest addedChild = TaskRequest.builder("echo").payload("added child").after(added).build();
		List<TaskRef> refs = queue.addToJob(job.id(), List.of(added, addedChild));
		assertThat(refs).extracting(TaskRef::id).containsExactly(added.id(), addedChild.id());
		awaitStatus(queue, addedChild.id(), TaskStatus.SUCCEEDED);
		JobState running = queue.findJob(job.id()).orElseThrow();
		assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(running.total()).isEqualTo(3);
		assertThat(running.count(TaskStatus.SUCCEEDED)).isEqualTo(2);
		assertThat(queue.find(added.id()).orElseThrow().jobId()).isEqualTo(job.id());
		release.countDown();
		JobState succeeded = awaitJobEnd(queue, job.id());
		assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(succeeded.count(TaskStatus.SUCCEEDED)).isEqualTo(3);
		assertCallbacks(job.id(), 1, 0, 1);
		int rows = this.nodes.count(null);
		TaskRequest late = TaskRequest.of("echo", "late");
		assertThatExceptionOfType(TaskQueueException.class).isThrownBy(() -> queue.addToJob(job.id(), List.of(late)))
			.satisfies((ex) -> assertThat(ex).isNotInstanceOf(JobNotFoundException.class));
		assertThat(this.nodes.count(null)).isEqualTo(rows);
		assertThat(queue.find(late.id())).isEmpty();
		assertThat(queue.findJob(job.id()).orElseThrow().total()).isEqualTo(3);
		UUID unknown = UUID.randomUUID();
		assertThat(queue.findJob(unknown)).isEmpty();
		assertThatExceptionOfType(JobNotFoundException.class)
			.isThrownBy(() -> queue.addToJob(unknown, List.of(TaskRequest.of("echo", "nowhere"))))
			.satisfies((ex) -> assertThat(ex.getJobId()).isEqualTo(unknown));
		assertThatExceptionOfType(JobNotFoundException.class).isThrownBy(() -> queue.cancelJob(unknown));
		assertThatExceptionOfType(JobNotFoundException.class).isThrownBy(() -> queue.retryJob(unknown));
		assertThat(this.nodes.count(null)).isEqualTo(rows);
	}

	@Test
	void parentResultByATypeTwoParentsShareFailsTheTaskNamingTheType() {
		this.nodes.register("ambiguous", String.class, TaskTypeSettings.NONE,
				(payload, context) -> context.parentResult("echo", String.class));
		TaskQueue queue = this.nodes.start();
		TaskRequest left = TaskRequest.of("echo", "left");
		TaskRequest right = TaskRequest.of("echo", "right");
		TaskRequest child = TaskRequest.builder("ambiguous").after(left, right).build();
		JobRef job = queue.startJob(JobRequest.builder("ambiguous").tasks(left, right, child).build());
		TaskState failed = awaitStatus(queue, child.id(), TaskStatus.FAILED);
		assertThat(failed.errorMessage()).contains("'echo'");
		assertThat(failed.errorDetail()).startsWith(IllegalArgumentException.class.getName());
		assertThat(awaitJobEnd(queue, job.id()).status()).isEqualTo(JobStatus.FAILED);
	}

	@Test
	void parentResultOfATaskThatIsNoParentFails() {
		this.nodes.register("by-id", String.class, TaskTypeSettings.NONE,
				(payload, context) -> context.parentResult(UUID.randomUUID(), String.class));
		this.nodes.register("by-type", String.class, TaskTypeSettings.NONE,
				(payload, context) -> context.parentResult("nowhere", String.class));
		TaskQueue queue = this.nodes.start();
		TaskRequest parent = TaskRequest.of("echo", "parent");
		TaskRequest byId = TaskRequest.builder("by-id").after(parent).build();
		TaskRequest byType = TaskRequest.builder("by-type").after(parent).build();
		queue.startJob(JobRequest.builder("no such parent").tasks(parent, byId, byType).build());
		assertThat(awaitStatus(queue, byId.id(), TaskStatus.FAILED).errorDetail())
			.startsWith(IllegalArgumentException.class.getName());
		TaskState byTypeState = awaitStatus(queue, byType.id(), TaskStatus.FAILED);
		assertThat(byTypeState.errorDetail()).startsWith(IllegalArgumentException.class.getName());
		assertThat(byTypeState.errorMessage()).contains("'nowhere'");
	}

	@Test
	void jobResultIsTheOneASucceedingTaskSet() {
		this.nodes.register("summarize", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			context.setJobResult(new Summary(context.parentResult("echo", String.class), 1));
			return null;
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest part = TaskRequest.of("echo", "part");
		TaskRequest summarize = TaskRequest.builder("summarize").after(part).build();
		JobRef job = queue.startJob(JobRequest.builder("summarized").tasks(part, summarize).build());
		assertThat(queue.findJob(job.id()).orElseThrow().result()).isNull();
		JobState state = awaitJobEnd(queue, job.id());
		assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(state.result(Summary.class)).isEqualTo(new Summary("part", 1));
	}

	@Test
	void jobWritesOfAFailedAttemptAreDiscarded() {
		this.nodes.register("second-time-lucky", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			context.setJobResult("attempt " + context.attempt());
			context.addToJob(List.of(TaskRequest.of("echo", "added by attempt " + context.attempt())));
			if (context.attempt() == 1) {
				throw new IllegalStateException("Unlucky");
			}
			return null;
		});
		TaskQueue queue = this.nodes.start();
		TaskRequest lucky = TaskRequest.builder("second-time-lucky")
			.retries(1)
			.retryDelay(Duration.ofMillis(10), 1.0, Duration.ofMillis(10))
			.build();
		JobRef job = queue.startJob(JobRequest.builder("lucky").task(lucky).build());
		JobState state = awaitJobEnd(queue, job.id());
		assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(state.result(String.class)).isEqualTo("attempt 2");
		assertThat(state.total()).isEqualTo(2);
		assertThat(queue.findJobTasks(job.id(), null, 0, 10)).extracting((task) -> (task.payload() != null) ? task.payload().as(String.class) : null)
			.containsExactlyInAnyOrder(null, "added by attempt 2");
	}

	@Test
	void taskOutsideAJobHasNoJobToWriteTo() {
		List<String> outcomes = new CopyOnWriteArrayList<>();
		this.nodes.register("loner", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			outcomes.add(String.valueOf(context.jobId()));
			List<Runnable> writes = List.of(() -> context.addToJob(List.of(TaskRequest.of("echo", "x"))),
					() -> context.planNext(1), () -> context.setJobResult("result"));
			for (Runnable write : writes) {
				try {
					write.run();
					outcomes.add("written");
				}
				catch (IllegalStateException ex) {
					outcomes.add(ex.getClass().getSimpleName());
				}
			}
			return null;
		});
		TaskQueue queue = this.nodes.start();
		TaskRef ref = queue.enqueue("loner", null);
		TaskState state = awaitStatus(queue, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(state.jobId()).isNull();
		assertThat(outcomes).containsExactly("null", "IllegalStateException", "IllegalStateException",
				"IllegalStateException");
		assertThat(this.nodes.count(null)).isOne();
	}

	@Test
	void jobWithAnUnknownTaskTypeOrParentIsRejectedAndWritesNothing() {
		TaskQueue queue = this.nodes.start();
		TaskRequest known = TaskRequest.of("echo", "known");
		JobRequest unknownType = withCallbacks(JobRequest.builder("unknown type")
			.tasks(known, TaskRequest.builder("missing").after(known).build()));
		assertThatExceptionOfType(UnknownTaskTypeException.class).isThrownBy(() -> queue.startJob(unknownType))
			.satisfies((ex) -> assertThat(ex.getType()).isEqualTo("missing"));
		JobRequest unknownCallback = JobRequest.builder("unknown callback")
			.task(TaskRequest.of("echo", "known"))
			.onFailure(TaskRequest.of("missing-callback", null))
			.build();
		assertThatExceptionOfType(UnknownTaskTypeException.class).isThrownBy(() -> queue.startJob(unknownCallback))
			.satisfies((ex) -> assertThat(ex.getType()).isEqualTo("missing-callback"));
		JobRequest unknownParent = withCallbacks(JobRequest.builder("unknown parent")
			.tasks(TaskRequest.of("echo", "fine"), TaskRequest.builder("echo").after(UUID.randomUUID()).build()));
		assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> queue.startJob(unknownParent));
		assertThat(queue.findJob(unknownType.id())).isEmpty();
		assertThat(queue.findJob(unknownCallback.id())).isEmpty();
		assertThat(queue.findJob(unknownParent.id())).isEmpty();
		assertThat(rows("TASK")).isZero();
		assertThat(rows("TASK_PARENT")).isZero();
		assertThat(rows("JOB")).isZero();
		assertThat(rows("JOB_CALLBACK")).isZero();
	}

	@Test
	void jobCancelledWhileItsPlannerAddsChunksLeavesNothingToRun() {
		int chunk = 100;
		this.nodes.register("item", Integer.class, TaskTypeSettings.NONE, (payload, context) -> null);
		this.nodes.register("planner", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			int cursor = (Integer) payload;
			List<TaskRequest> requests = new ArrayList<>(chunk);
			for (int i = cursor; i < cursor + chunk; i++) {
				requests.add(TaskRequest.of("item", i));
			}
			context.addToJob(requests);
			context.planNext(cursor + chunk);
			return null;
		});
		TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(8)).queue();
		// Planning never ends: the cancel always meets a planner between chunks, or writing one
		for (int round = 0; round < 5; round++) {
			JobRef job = queue.startJob(withCallbacks(JobRequest.builder("endless " + round)
				.planner(TaskRequest.of("planner", 0))));
			await().atMost(WAIT).until(() -> queue.findJob(job.id()).orElseThrow().total() > 3 * chunk);
			assertThat(queue.cancelJob(job.id())).isTrue();
			JobState cancelled = await().atMost(WAIT)
				.until(() -> queue.findJob(job.id()).orElseThrow(), (state) -> state.count(TaskStatus.WAITING)
						+ state.count(TaskStatus.READY) + state.count(TaskStatus.RUNNING) == 0);
			await().during(STAYS).atMost(WAIT)
				.untilAsserted(() -> assertThat(queue.findJob(job.id()).orElseThrow().counts())
					.isEqualTo(cancelled.counts()));
			assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
			assertThat(cancelled.planning()).isFalse();
			assertCallbacks(job.id(), 0, 0, 0);
		}
	}

	private JobRequest withCallbacks(JobRequest.Builder builder) {
		return builder.onSuccess(TaskRequest.of(ON_SUCCESS, null))
			.onFailure(TaskRequest.of(ON_FAILURE, null))
			.onComplete(TaskRequest.of(ON_COMPLETE, null))
			.build();
	}

	/**
	 * Wait until the job's on-success, on-failure and on-complete callbacks have run the
	 * given number of times, and check that no more run meanwhile.
	 */
	private void assertCallbacks(UUID jobId, int onSuccess, int onFailure, int onComplete) {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(callbackCounts(jobId)).containsExactly(onSuccess, onFailure, onComplete));
		await().during(STAYS)
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(callbackCounts(jobId)).containsExactly(onSuccess, onFailure, onComplete));
	}

	private List<Integer> callbackCounts(UUID jobId) {
		return List.of(ON_SUCCESS, ON_FAILURE, ON_COMPLETE)
			.stream()
			.map((type) -> (int) this.callbacks.stream()
				.filter((callback) -> callback.type().equals(type) && callback.payload().equals(jobId))
				.count())
			.toList();
	}

	private static JobState awaitJobEnd(TaskQueue queue, UUID jobId) {
		return awaitJobEnd(queue, jobId, WAIT);
	}

	private static JobState awaitJobEnd(TaskQueue queue, UUID jobId, Duration timeout) {
		return await().atMost(timeout)
			.until(() -> queue.findJob(jobId).orElseThrow(), (job) -> job.status().isFinished());
	}

	private static JobState awaitJobStatus(TaskQueue queue, UUID jobId, JobStatus status) {
		return await().atMost(WAIT).until(() -> queue.findJob(jobId).orElseThrow(), (job) -> job.status() == status);
	}

	private int rows(String table) {
		Integer count = new JdbcTemplate(this.nodes.dataSource())
			.queryForObject("SELECT COUNT(*) FROM " + this.nodes.prefix() + table, Integer.class);
		return (count != null) ? count : 0;
	}

	private int countTasksOfType(String type) {
		Integer count = new JdbcTemplate(this.nodes.dataSource()).queryForObject(
				"SELECT COUNT(*) FROM " + this.nodes.prefix() + "TASK WHERE type = ?", Integer.class, type);
		return (count != null) ? count : 0;
	}

	private int countTasksOfType(String type, TaskStatus status) {
		Integer count = new JdbcTemplate(this.nodes.dataSource()).queryForObject(
				"SELECT COUNT(*) FROM " + this.nodes.prefix() + "TASK WHERE type = ? AND status = ?", Integer.class,
				type, status.name());
		return (count != null) ? count : 0;
	}

	private CountDownLatch latch() {
		CountDownLatch latch = new CountDownLatch(1);
		this.latches.add(latch);
		return latch;
	}

	/**
	 * Twenty-five tasks: the last five wait for the first.
	 */
	private static List<TaskRequest> pagedTasks() {
		List<TaskRequest> tasks = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			TaskRequest.Builder task = TaskRequest.builder("echo").payload("task " + i);
			if (i >= 20) {
				task.after(tasks.get(0));
			}
			tasks.add(task.build());
		}
		return tasks;
	}

	private static List<UUID> ids(List<TaskRequest> requests) {
		return requests.stream().map(TaskRequest::id).toList();
	}

	/**
	 * A run of a job callback: its type, its payload and the job the callback task itself
	 * belongs to.
	 */
	record Callback(String type, UUID payload, UUID jobId) {
	}

	record Branches(UUID increment, UUID triple) {
	}

	record Combined(Integer incrementById, Integer incrementByType, Integer tripleById, Integer tripleByType,
			Integer sum) {
	}

	record Summary(String part, int parts) {
	}

}

package dev.taskqueue.engine;

import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.NonRetryableException;
import dev.taskqueue.RetryAfterException;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskFailedException;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskPostponedException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.TaskTimeoutException;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.lease.Rescuer;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.jdbc.JdbcTaskStore;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The execution guarantees every supported database must keep: retries with backoff, failures
 * that are not retried, timeouts, leases and their rescue, unique keys, priorities and queue
 * concurrency, waiting for results and cancelling. Each database's subclass supplies a
 * DataSource.
 */
abstract class ExecutionGuaranteesContractTests {

	private TestNodes nodes;

	private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();

	protected abstract DataSource dataSource();

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
	}

	@AfterEach
	void closeNodes() {
		this.latches.forEach(CountDownLatch::countDown);
		this.nodes.close();
	}

	@Test
	void failingTaskIsRetriedWithGrowingDelaysAndKeepsEveryError() {
		List<Instant> starts = new CopyOnWriteArrayList<>();
		this.nodes.register("flaky", String.class, settings(new TaskOptions(null, null, 3, Duration.ofMillis(300), 2.0,
				Duration.ofSeconds(10), 0.0)), (payload, context) -> {
					starts.add(Instant.now());
					if (context.attempt() < 3) {
						throw new IllegalStateException("Flaky " + context.attempt());
					}
					return "done";
				});
		TaskQueue queue = this.nodes.start();
		TaskState state = awaitStatus(queue, queue.enqueue("flaky", "x").id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isEqualTo(3);
		assertThat(state.result(String.class)).isEqualTo("done");
		assertThat(state.errors()).extracting(TaskError::attempt, TaskError::message)
			.containsExactly(tuple(1, "Flaky 1"),
					tuple(2, "Flaky 2"));
		assertThat(state.errors().get(0).detail()).startsWith("java.lang.IllegalStateException: Flaky 1");
		Duration first = Duration.between(starts.get(0), starts.get(1));
		Duration second = Duration.between(starts.get(1), starts.get(2));
		assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isGreaterThan(first);
	}

	@Test
	void taskWithoutRetriesLeftEndsFailedWithEveryAttemptsError() {
		this.nodes.register("broken", String.class, settings(retries(1)), (payload, context) -> {
			throw new IllegalStateException("Broken " + context.attempt());
		});
		TaskQueue queue = this.nodes.start();
		TaskState state = awaitStatus(queue, queue.enqueue("broken", "x").id(), TaskStatus.FAILED);
		assertThat(state.attempts()).isEqualTo(2);
		assertThat(state.errorMessage()).isEqualTo("Broken 2");
		assertThat(state.errors()).extracting(TaskError::message).containsExactly("Broken 1", "Broken 2");
	}

	@Test
	void nonRetryableExceptionsFailAtOnce() {
		this.nodes.register("invalid", String.class, settings(retries(3)), (payload, context) -> {
			throw new IllegalStateException("wrapped", new NonRetryableException("Invalid input"));
		});
		this.nodes.register("declared", String.class,
				new TaskTypeSettings(null, null, null, retries(3), List.of(IllegalArgumentException.class)),
				(payload, context) -> {
					throw new NumberFormatException("Not a number");
				});
		TaskQueue queue = this.nodes.start();
		TaskState invalid = awaitStatus(queue, queue.enqueue("invalid", "x").id(), TaskStatus.FAILED);
		TaskState declared = awaitStatus(queue, queue.enqueue("declared", "x").id(), TaskStatus.FAILED);
		assertThat(invalid.attempts()).isOne();
		assertThat(invalid.errors()).hasSize(1);
		assertThat(declared.attempts()).isOne();
		assertThat(declared.errorMessage()).isEqualTo("Not a number");
	}

	@Test
	void retryAfterExceptionSetsTheNextAttemptsDelayCappedByTheMaxDelay() {
		List<Instant> starts = new CopyOnWriteArrayList<>();
		this.nodes.register("asked", String.class, settings(new TaskOptions(null, null, 2, Duration.ofHours(1), 1.0,
				Duration.ofHours(1), 0.0)), (payload, context) -> {
					starts.add(Instant.now());
					if (context.attempt() == 1) {
						throw new RetryAfterException("Busy", Duration.ofMillis(400));
					}
					return "done";
				});
		this.nodes.register("capped", String.class, settings(new TaskOptions(null, null, 2, Duration.ofHours(1), 1.0,
				Duration.ofMillis(300), 0.0)), (payload, context) -> {
					if (context.attempt() == 1) {
						throw new IllegalStateException("wrapped", new RetryAfterException("Busy", Duration.ofDays(1)));
					}
					return "done";
				});
		TaskQueue queue = this.nodes.start();
		TaskState asked = awaitStatus(queue, queue.enqueue("asked", "x").id(), TaskStatus.SUCCEEDED);
		TaskState capped = awaitStatus(queue, queue.enqueue("capped", "x").id(), TaskStatus.SUCCEEDED);
		assertThat(asked.attempts()).isEqualTo(2);
		assertThat(asked.errors()).extracting(TaskError::message).containsExactly("Busy");
		assertThat(Duration.between(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		assertThat(capped.attempts()).isEqualTo(2);
	}

	@Test
	void postponedTaskRunsAgainLaterWithoutUsingARetryOrKeepingAnError() {
		AtomicInteger calls = new AtomicInteger();
		List<Instant> starts = new CopyOnWriteArrayList<>();
		this.nodes.register("patient", String.class, settings(retries(0)), (payload, context) -> {
			starts.add(Instant.now());
			if (calls.incrementAndGet() <= 2) {
				throw new TaskPostponedException("Target busy", Duration.ofMillis(300));
			}
			return "attempt " + context.attempt();
		});
		TaskQueue queue = this.nodes.start();
		TaskState state = awaitStatus(queue, queue.enqueue("patient", "x").id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isOne();
		assertThat(state.result(String.class)).isEqualTo("attempt 1");
		assertThat(state.errors()).isEmpty();
		assertThat(Duration.between(starts.get(0), starts.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
	}

	@Test
	void postponementWrappedInAnotherExceptionStillPostpones() {
		AtomicInteger calls = new AtomicInteger();
		this.nodes.register("wrapped", String.class, settings(retries(0)), (payload, context) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("Proxy",
						new TaskPostponedException("Target busy", Duration.ofMillis(100)));
			}
			return "attempt " + context.attempt();
		});
		TaskQueue queue = this.nodes.start();
		TaskState state = awaitStatus(queue, queue.enqueue("wrapped", "x").id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errors()).isEmpty();
	}

	@Test
	void postponementLongerThanTheLongestDurationIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TaskPostponedException("Busy", TaskOptions.MAX_DURATION.plusSeconds(1)))
			.withMessageContaining("'delay' must be at most 365 days");
	}

	@Test
	void requestOptionsWinOverTheTypes() {
		this.nodes.register("broken", String.class, settings(retries(0)), (payload, context) -> {
			throw new IllegalStateException("Broken " + context.attempt());
		});
		TaskQueue queue = this.nodes.start();
		TaskRef ref = queue.enqueue(TaskRequest.builder("broken").retries(2)
			.retryDelay(Duration.ofMillis(10), 1.0, Duration.ofMillis(10))
			.build());
		assertThat(awaitStatus(queue, ref.id(), TaskStatus.FAILED).attempts()).isEqualTo(3);
	}

	@Test
	void payloadThatNoLongerBindsFailsAtOnceNamingTheTypeAndTheField() {
		this.nodes.register("point", Point.class, settings(retries(3)), (payload, context) -> payload);
		TaskQueue queue = this.nodes.start();
		// The payload as an older version of the class wrote it, on a node of that version: x was text then
		TaskTypeRegistry older = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		older.register("point", (payload, context) -> payload, Map.class, TaskTypeSettings.NONE, "older handler");
		TaskQueueEngine olderNode = TaskQueueEngine.builder(this.nodes.dataSource(), older, JsonMapper.builder().build())
			.tablePrefix(this.nodes.prefix())
			.workerEnabled(false)
			.build();
		TaskRef ref = olderNode.queue().enqueue("point", Map.of("x", "many", "y", 1));
		TaskState state = awaitStatus(queue, ref.id(), TaskStatus.FAILED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errorMessage()).startsWith("Payload of task type 'point' does not bind to " + Point.class.getName()
				+ ": field 'x': ");
	}

	@Test
	void attemptThatOutlivesItsTimeoutFailsAndFreesItsSlotThoughTheHandlerIgnoresInterrupts() {
		CountDownLatch release = latch();
		AtomicInteger lateResults = new AtomicInteger();
		this.nodes.register("stubborn", String.class,
				settings(new TaskOptions(Duration.ofMillis(500), null, 0, null, null, null, null)), (payload, context) -> {
					awaitIgnoringInterrupts(release);
					lateResults.incrementAndGet();
					return "late";
				});
		TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(1)).queue();
		TaskRef stuck = queue.enqueue("stubborn", "x");
		TaskState timedOut = awaitStatus(queue, stuck.id(), TaskStatus.FAILED);
		assertThat(timedOut.errorMessage()).isEqualTo("timed out after 500ms");
		assertThat(release.getCount()).isOne();
		TaskRef next = queue.enqueue("echo", "next");
		assertThat(awaitStatus(queue, next.id(), TaskStatus.SUCCEEDED).result(String.class)).isEqualTo("next");
		release.countDown();
		await().atMost(WAIT).until(() -> lateResults.get() == 1);
		TaskRef after = queue.enqueue("echo", "after");
		awaitStatus(queue, after.id(), TaskStatus.SUCCEEDED);
		assertThat(queue.find(stuck.id()).orElseThrow().status()).isEqualTo(TaskStatus.FAILED);
	}

	@Test
	void leaseIsRenewedWhileALongTaskRuns() {
		CountDownLatch release = latch();
		CountDownLatch started = latch();
		this.nodes.register("long", String.class,
				settings(new TaskOptions(null, Duration.ofMillis(600), 0, null, null, null, null)), (payload, context) -> {
					started.countDown();
					release.await();
					return payload;
				});
		TaskQueue queue = this.nodes.start();
		TaskRef ref = queue.enqueue("long", "x");
		await().atMost(WAIT).until(() -> started.getCount() == 0);
		// The claim's lease is the default heartbeat; renewals hold the task for its own
		Instant renewed = await().atMost(WAIT)
			.until(() -> leaseUntil(ref.id()), (lease) -> lease.isBefore(Instant.now().plusSeconds(5)));
		await().atMost(WAIT).until(() -> leaseUntil(ref.id()).isAfter(renewed.plusMillis(1800)));
		release.countDown();
		TaskState state = awaitStatus(queue, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errors()).isEmpty();
	}

	@Test
	void taskWhoseLeaseLapsedIsTakenBackCountedAsFailedAndRetried() {
		this.nodes.register("recover", String.class, settings(retries(1)), (payload, context) -> payload);
		TaskQueueEngine enqueueOnly = this.nodes.start((builder) -> builder.workerEnabled(false));
		TaskRef ref = enqueueOnly.queue().enqueue("recover", "x");
		// A node that claims it and dies: its lease lapses at once
		new JdbcTaskStore(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix(),
				new PayloadCodec(JsonMapper.builder().build()), "dead", TaskQueueMetrics.of(null))
			.claim("default", 1, "dead-node", Instant.now(), Instant.now().minusSeconds(1));
		assertThat(enqueueOnly.queue().find(ref.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
		TaskQueue queue = this.nodes.start();
		TaskState state = awaitStatus(queue, ref.id(), TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isEqualTo(2);
		assertThat(state.errors()).singleElement().satisfies((error) -> {
			assertThat(error.attempt()).isOne();
			assertThat(error.message()).isEqualTo(Rescuer.LEASE_EXPIRED).startsWith("lease expired");
		});
	}

	@Test
	void theLongestHeartbeatAndTimeoutBreakNeitherTheirTaskNorTheLeasesOfTheNodesOtherTasks() {
		CountDownLatch release = latch();
		AtomicInteger runs = new AtomicInteger();
		this.nodes.register("held", String.class,
				settings(new TaskOptions(null, Duration.ofSeconds(1), 0, null, null, null, null)), (payload, context) -> {
					runs.incrementAndGet();
					release.await();
					return payload;
				});
		TaskQueue queue = this.nodes.start();
		TaskRef huge = queue.enqueue(TaskRequest.builder("held")
			.payload("huge")
			.heartbeat(TaskOptions.MAX_DURATION)
			.timeout(TaskOptions.MAX_DURATION)
			.build());
		TaskRef held = queue.enqueue("held", "normal");
		await().atMost(WAIT).until(() -> runs.get() == 2);
		// Another node takes back any lease that lapses
		this.nodes.start();
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> queue.find(held.id()).orElseThrow().status() == TaskStatus.RUNNING);
		release.countDown();
		assertThat(awaitStatus(queue, huge.id(), TaskStatus.SUCCEEDED).attempts()).isOne();
		assertThat(awaitStatus(queue, held.id(), TaskStatus.SUCCEEDED).attempts()).isOne();
		assertThat(runs.get()).isEqualTo(2);
	}

	@Test
	void retryByHandGivesAFailedTaskItsRetriesAgain() {
		this.nodes.register("broken", String.class, settings(retries(1)), (payload, context) -> {
			throw new IllegalStateException("Broken " + context.attempt());
		});
		TaskQueue queue = this.nodes.start();
		TaskRef ref = queue.enqueue("broken", "x");
		awaitStatus(queue, ref.id(), TaskStatus.FAILED);
		assertThat(queue.retry(ref.id())).isTrue();
		await().atMost(WAIT).until(() -> queue.find(ref.id()).orElseThrow().attempts() == 4
				&& queue.find(ref.id()).orElseThrow().status() == TaskStatus.FAILED);
		assertThat(queue.find(ref.id()).orElseThrow().errors()).extracting(TaskError::message)
			.containsExactly("Broken 1", "Broken 2", "Broken 3", "Broken 4");
	}

	@Test
	void uniqueKeyReturnsTheUnfinishedTaskThatHoldsItAndIsFreeOnceItFinished() {
		CountDownLatch release = latch();
		this.nodes.register("sync", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			release.await();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TaskRef first = queue.enqueue(TaskRequest.builder("sync").payload("a").key("account-1").build());
		TaskRef again = queue.enqueue(TaskRequest.builder("sync").payload("b").key("account-1").build());
		List<TaskRef> batch = queue.enqueueAll(List.of(TaskRequest.builder("sync").key("account-2").build(),
				TaskRequest.builder("sync").key("account-2").build()));
		assertThat(again.id()).isEqualTo(first.id());
		assertThat(batch.get(1).id()).isEqualTo(batch.get(0).id());
		assertThat(queue.find(first.id()).orElseThrow().key()).isEqualTo("account-1");
		assertThat(this.nodes.count(null)).isEqualTo(2);
		release.countDown();
		awaitStatus(queue, first.id(), TaskStatus.SUCCEEDED);
		TaskRef next = queue.enqueue(TaskRequest.builder("sync").payload("c").key("account-1").build());
		assertThat(next.id()).isNotEqualTo(first.id());
		awaitStatus(queue, next.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void childOfATaskWhoseKeyWasHeldWaitsForTheHolder() {
		CountDownLatch release = latch();
		this.nodes.register("sync", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			release.await();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		TaskRef holder = queue.enqueue(TaskRequest.builder("sync").key("k").build());
		TaskRequest duplicate = TaskRequest.builder("sync").key("k").build();
		TaskRequest child = TaskRequest.builder("echo").payload("child").after(duplicate).build();
		List<TaskRef> refs = queue.enqueueAll(List.of(duplicate, child));
		assertThat(refs.get(0).id()).isEqualTo(holder.id());
		assertThat(queue.find(child.id()).orElseThrow().parents()).containsExactly(holder.id());
		release.countDown();
		awaitStatus(queue, child.id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void nodesEnqueueingTheSameKeysConcurrentlyWriteOneTaskPerKey() throws Exception {
		int keys = 20;
		List<TaskQueue> queues = List.of(enqueueOnlyNode(), enqueueOnlyNode(), enqueueOnlyNode());
		TransactionTemplate transaction = new TransactionTemplate(
				new DataSourceTransactionManager(this.nodes.dataSource()));
		ExecutorService executor = Executors.newFixedThreadPool(queues.size());
		try {
			Map<String, Set<UUID>> idsByKey = new ConcurrentHashMap<>();
			for (int k = 0; k < keys; k++) {
				String key = "key-" + k;
				CyclicBarrier together = new CyclicBarrier(queues.size());
				List<Future<UUID>> results = new ArrayList<>();
				for (TaskQueue queue : queues) {
					results.add(executor.submit(() -> transaction.execute((status) -> {
						arriveTogether(together);
						return queue.enqueue(TaskRequest.builder("echo").payload(key).key(key).build()).id();
					})));
				}
				for (Future<UUID> result : results) {
					idsByKey.computeIfAbsent(key, (ignored) -> ConcurrentHashMap.newKeySet())
						.add(result.get(30, TimeUnit.SECONDS));
				}
			}
			assertThat(idsByKey.values()).allSatisfy((ids) -> assertThat(ids).hasSize(1));
			assertThat(this.nodes.count(null)).isEqualTo(keys);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void higherPriorityTasksRunFirstUnderLoad() {
		List<Integer> order = new CopyOnWriteArrayList<>();
		this.nodes.register("ranked", Integer.class, TaskTypeSettings.NONE, (payload, context) -> {
			order.add((Integer) payload);
			return null;
		});
		TaskQueue enqueueOnly = enqueueOnlyNode();
		List<TaskRequest> requests = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			boolean high = i % 10 == 0;
			requests.add(TaskRequest.builder("ranked").payload(high ? 1 : 0).priority(high ? 10 : 0).build());
		}
		enqueueOnly.enqueueAll(requests);
		// One slot, so that the start order is the claim order: with two, a slot may run low
		// tasks while the other has taken the last high one but not yet started it
		this.nodes.start((builder) -> builder.concurrency(1).batchSize(5));
		await().atMost(WAIT).until(() -> order.size() == 300);
		assertThat(order.subList(0, 30)).containsOnly(1);
	}

	@Test
	void tasksClaimedAheadKeepTheirLeasesAreDroppedWhenCancelledAndAreHandedBackOnStop() {
		List<UUID> started = new CopyOnWriteArrayList<>();
		this.nodes.register("gate", String.class,
				settings(new TaskOptions(null, Duration.ofMillis(600), 0, null, null, null, null)), (payload, context) -> {
					started.add(context.taskId());
					latch().await();
					return payload;
				});
		TaskQueueEngine node = this.nodes.start((builder) -> builder.concurrency(1)
			.claimAhead(Duration.ofSeconds(1))
			.shutdownTimeout(Duration.ZERO));
		TaskQueue queue = node.queue();
		// Quick handlers first, so that the lane expects to start many tasks within the horizon
		List<TaskRef> quick = queue.enqueueAll(IntStream.range(0, 20).mapToObj((i) -> TaskRequest.of("echo", "quick")).toList());
		quick.forEach((ref) -> awaitStatus(queue, ref.id(), TaskStatus.SUCCEEDED));
		List<UUID> gated = queue.enqueueAll(IntStream.range(0, 4).mapToObj((i) -> TaskRequest.of("gate", "x")).toList())
			.stream()
			.map(TaskRef::id)
			.toList();
		await().atMost(WAIT).until(() -> started.size() == 1);
		List<UUID> waiting = gated.stream().filter((id) -> !started.contains(id)).toList();
		assertThat(waiting).hasSize(3)
			.allSatisfy((id) -> assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING));
		// Unrenewed, the claim's lease of 600ms would lapse and the task be taken back, failed
		Instant claimedUntil = leaseUntil(waiting.get(0));
		await().atMost(WAIT).until(() -> leaseUntil(waiting.get(0)).isAfter(claimedUntil.plusMillis(1800)));
		assertThat(queue.cancel(waiting.get(1))).isTrue();
		node.stop();
		assertThat(started).hasSize(1);
		assertThat(queue.find(waiting.get(1)).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
		assertThat(List.of(waiting.get(0), waiting.get(2), started.get(0))).allSatisfy((id) -> {
			TaskState state = queue.find(id).orElseThrow();
			assertThat(state.status()).isEqualTo(TaskStatus.READY);
			assertThat(state.attempts()).isZero();
		});
	}

	@Test
	void aQueueWithSlotsOfItsOwnIsNotStarvedByASlowQueue() {
		CountDownLatch release = latch();
		AtomicInteger slowRunning = new AtomicInteger();
		AtomicInteger slowMax = new AtomicInteger();
		AtomicInteger fastRunning = new AtomicInteger();
		AtomicInteger fastMax = new AtomicInteger();
		this.nodes.register("slow", String.class, new TaskTypeSettings(null, "slow", null, TaskOptions.NONE, null),
				(payload, context) -> {
					slowMax.accumulateAndGet(slowRunning.incrementAndGet(), Math::max);
					release.await();
					slowRunning.decrementAndGet();
					return null;
				});
		this.nodes.register("fast", String.class, new TaskTypeSettings(null, "fast", null, TaskOptions.NONE, null),
				(payload, context) -> {
					fastMax.accumulateAndGet(fastRunning.incrementAndGet(), Math::max);
					Thread.onSpinWait();
					fastRunning.decrementAndGet();
					return null;
				});
		TaskQueue queue = this.nodes.start((builder) -> builder.queue("slow", 2).queue("fast", 4)).queue();
		List<TaskRequest> slow = new ArrayList<>();
		List<TaskRequest> fast = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			slow.add(TaskRequest.of("slow", "s" + i));
		}
		for (int i = 0; i < 500; i++) {
			fast.add(TaskRequest.of("fast", "f" + i));
		}
		queue.enqueueAll(slow);
		queue.enqueueAll(fast);
		await().atMost(WAIT).until(() -> this.nodes.count(TaskStatus.SUCCEEDED) == 500);
		assertThat(slowRunning.get()).isEqualTo(2);
		assertThat(slowMax.get()).isEqualTo(2);
		assertThat(fastMax.get()).isLessThanOrEqualTo(4);
		release.countDown();
		await().atMost(WAIT).until(() -> this.nodes.count(TaskStatus.SUCCEEDED) == 510);
	}

	@Test
	void applyWaitsForTheResultOrThrowsWithTheTasksErrors() {
		this.nodes.register("broken", String.class, settings(retries(0)), (payload, context) -> {
			throw new IllegalStateException("Broken");
		});
		this.nodes.register("never", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			latch().await();
			return payload;
		});
		TaskQueue queue = this.nodes.start();
		assertThat(queue.apply("echo", "hello", String.class, WAIT)).isEqualTo("hello");
		assertThatExceptionOfType(TaskFailedException.class)
			.isThrownBy(() -> queue.apply("broken", "x", String.class, WAIT))
			.withMessageContaining("ended FAILED after 1 attempt(s): Broken")
			.satisfies((ex) -> assertThat(ex.getTask().errors()).hasSize(1));
		assertThatExceptionOfType(TaskTimeoutException.class)
			.isThrownBy(() -> queue.apply("never", "x", String.class, Duration.ofMillis(300)))
			.withMessageContaining("did not finish within 300ms");
	}

	@Test
	void resultOfATaskRunOnAnotherNodeReachesTheWaitingNode() throws Exception {
		TaskQueue enqueueOnly = enqueueOnlyNode();
		this.nodes.start();
		assertThat(enqueueOnly.submit(TaskRequest.of("echo", "far"), String.class).get(30, TimeUnit.SECONDS))
			.isEqualTo("far");
	}

	@Test
	void cancelOnAnotherNodeInterruptsTheRunningTaskWhichEndsCancelled() {
		CountDownLatch started = latch();
		CountDownLatch interrupted = latch();
		Set<Boolean> sawCancelled = Collections.synchronizedSet(new HashSet<>());
		this.nodes.register("gate", String.class,
				settings(new TaskOptions(null, Duration.ofMillis(600), 0, null, null, null, null)), (payload, context) -> {
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
		TaskQueue worker = this.nodes.start();
		TaskQueue other = enqueueOnlyNode();
		TaskRef ref = worker.enqueue("gate", "x");
		await().atMost(WAIT).until(() -> started.getCount() == 0);
		assertThat(other.cancel(ref.id())).isTrue();
		await().atMost(WAIT).until(() -> interrupted.getCount() == 0);
		assertThat(sawCancelled).containsExactly(true);
		TaskRef after = worker.enqueue("echo", "after");
		awaitStatus(worker, after.id(), TaskStatus.SUCCEEDED);
		assertThat(worker.find(ref.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	private TaskQueue enqueueOnlyNode() {
		return this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
	}

	private Instant leaseUntil(UUID id) {
		return new JdbcTemplate(this.nodes.dataSource()).query(
				"SELECT lease_until FROM " + this.nodes.prefix() + "TASK WHERE id = ?",
				(ps) -> this.nodes.dialect().setId(ps, 1, id),
				(rs, rowNum) -> this.nodes.dialect().getInstant(rs, "lease_until")).get(0);
	}

	private CountDownLatch latch() {
		CountDownLatch latch = new CountDownLatch(1);
		this.latches.add(latch);
		return latch;
	}

	private static TaskTypeSettings settings(TaskOptions options) {
		return new TaskTypeSettings(null, null, null, options, null);
	}

	private static TaskOptions retries(int retries) {
		return new TaskOptions(null, null, retries, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0.0);
	}

	private static void arriveTogether(CyclicBarrier barrier) {
		try {
			barrier.await(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		while (true) {
			try {
				latch.await();
				return;
			}
			catch (InterruptedException ex) {
				// this handler ignores interruption on purpose
			}
		}
	}

	record Point(int x, int y) {
	}

}

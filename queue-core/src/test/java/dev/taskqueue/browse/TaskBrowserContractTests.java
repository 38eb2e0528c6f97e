package dev.taskqueue.browse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.jdbc.JdbcTaskBrowser;
import dev.taskqueue.store.jdbc.JdbcTaskBrowser.ListScan;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The operators' reads on every supported database: filtered task lists paged by keyset, a
 * task's detail and flow, jobs with their counts, throughput per minute, and the audit trail.
 * Each database's subclass supplies a DataSource.
 */
abstract class TaskBrowserContractTests {

	/** Far enough ahead that no task enqueued for it runs during a test. */
	private static final Instant LATER = Instant.now().plus(Duration.ofDays(1));

	private TestNodes nodes;

	private TaskQueueEngine engine;

	private TaskQueue queue;

	private TaskBrowser browser;

	private final CountDownLatch release = new CountDownLatch(1);

	protected abstract DataSource dataSource();

	@BeforeEach
	void startNode() {
		this.nodes = new TestNodes(dataSource());
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		this.nodes.register("boom", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			throw new IllegalStateException("Boom: " + payload);
		});
		this.nodes.register("hold", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			this.release.await(TestNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return payload;
		});
		this.engine = this.nodes.start((builder) -> {
		});
		this.queue = this.engine.queue();
		this.browser = this.engine.browser();
	}

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void pagesOfAFilteredListHoldEveryMatchingTaskOnceNewestFirst() {
		List<UUID> matching = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			matching.add(later("echo", "a" + i));
			later("boom", "b" + i);
		}
		TaskFilter filter = new TaskFilter(TaskStatus.READY, "echo", null, null, null, null);
		List<UUID> listed = new ArrayList<>();
		List<Integer> sizes = new ArrayList<>();
		UUID after = null;
		do {
			Page<TaskSummary> page = this.browser.tasks(filter, after, 10);
			page.items().forEach((task) -> listed.add(task.id()));
			sizes.add(page.items().size());
			after = page.next();
		}
		while (after != null);
		assertThat(sizes).containsExactly(10, 10, 5);
		Collections.reverse(matching);
		assertThat(listed).containsExactlyElementsOf(matching);
	}

	@Test
	void aFullLastPageHasNoNextPage() {
		IntStream.range(0, 4).forEach((i) -> later("echo", "x" + i));
		Page<TaskSummary> page = this.browser.tasks(TaskFilter.ALL, null, 4);
		assertThat(page.items()).hasSize(4);
		assertThat(page.next()).isNull();
	}

	@Test
	void aFilterMatchingNothingStopsAtItsBoundAndGoesOnFromWhereItStopped() {
		IntStream.range(0, 10).forEach((i) -> later("echo", "e" + i));
		TaskBrowser oneWindowOfThree = scanning(new ListScan(3, 3, Duration.ZERO));
		TaskFilter filter = new TaskFilter(null, "missing", null, null, null, null);
		Page<TaskSummary> first = oneWindowOfThree.tasks(filter, null, 5);
		assertThat(first.items()).isEmpty();
		assertThat(first.scannedTo()).isNotNull().isEqualTo(first.next());
		List<Page<TaskSummary>> pages = pagesOf(oneWindowOfThree, filter, 5);
		assertThat(pages).hasSize(4).allSatisfy((page) -> assertThat(page.items()).isEmpty());
		assertThat(pages.get(3).scannedTo()).isNull();
	}

	@Test
	void aMatchBeyondTheFirstWindowIsFoundByGoingOn() {
		UUID boom = later("boom", "b");
		IntStream.range(0, 10).forEach((i) -> later("echo", "e" + i));
		TaskBrowser oneWindowOfThree = scanning(new ListScan(3, 3, Duration.ZERO));
		TaskFilter filter = new TaskFilter(null, "boom", null, null, null, null);
		assertThat(oneWindowOfThree.tasks(filter, null, 5).items()).isEmpty();
		List<Page<TaskSummary>> pages = pagesOf(oneWindowOfThree, filter, 5);
		assertThat(pages.stream().flatMap((page) -> page.items().stream()).map(TaskSummary::id)).containsExactly(boom);
		assertThat(this.browser.tasks(filter, null, 5).items()).extracting(TaskSummary::id).containsExactly(boom);
	}

	@Test
	void pagesReadInWindowsHoldEveryMatchOnceNewestFirst() {
		List<UUID> matching = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			matching.add(later("echo", "e" + i));
			later("boom", "b" + i);
			later("boom", "c" + i);
		}
		Collections.reverse(matching);
		TaskFilter filter = new TaskFilter(TaskStatus.READY, "echo", null, null, null, null);
		List<UUID> cancelled = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			cancelled.add(0, later("boom", "d" + i));
			later("hold", "f" + i);
			this.queue.cancel(cancelled.get(0));
		}
		TaskFilter cancelledBoom = new TaskFilter(TaskStatus.CANCELLED, "boom", null, null, null, null);
		for (ListScan scan : List.of(new ListScan(2, 5, Duration.ofMinutes(1)), new ListScan(4, 4, Duration.ZERO))) {
			assertThat(listed(scanning(scan), filter)).as("%s", scan).containsExactlyElementsOf(matching);
			assertThat(listed(scanning(scan), cancelledBoom)).as("%s", scan).containsExactlyElementsOf(cancelled);
		}
	}

	private static List<UUID> listed(TaskBrowser browser, TaskFilter filter) {
		return pagesOf(browser, filter, 3).stream().flatMap((page) -> page.items().stream()).map(TaskSummary::id).toList();
	}

	private TaskBrowser scanning(ListScan scan) {
		return new JdbcTaskBrowser(this.nodes.dataSource(), this.nodes.dialect(), this.nodes.prefix(),
				new PayloadCodec(JsonMapper.builder().build()), scan);
	}

	/** Every page of a list, from the first to the one without a next. */
	private static List<Page<TaskSummary>> pagesOf(TaskBrowser browser, TaskFilter filter, int limit) {
		List<Page<TaskSummary>> pages = new ArrayList<>();
		UUID after = null;
		do {
			Page<TaskSummary> page = browser.tasks(filter, after, limit);
			pages.add(page);
			after = page.next();
		}
		while (after != null);
		return pages;
	}

	@Test
	void eachFilterSelectsTheTasksItNames() {
		UUID echo = later("echo", "e");
		UUID boom = later("boom", "b");
		UUID mail = this.queue.enqueue(TaskRequest.builder("echo").payload("m").queue("mail").runAt(LATER).build()).id();
		JobRef job = this.queue.startJob(JobRequest.builder("batch")
			.task(TaskRequest.builder("echo").payload("j").runAt(LATER).build())
			.build());
		UUID jobTask = this.queue.findJobTasks(job.id(), null, 0, 10).get(0).id();
		assertThat(ids(new TaskFilter(null, "boom", null, null, null, null))).containsExactly(boom);
		assertThat(ids(new TaskFilter(null, null, "mail", null, null, null))).containsExactly(mail);
		assertThat(ids(new TaskFilter(null, null, null, job.id(), null, null))).containsExactly(jobTask);
		assertThat(ids(new TaskFilter(TaskStatus.READY, "echo", "default", null, null, null)))
			.containsExactly(jobTask, echo);
		assertThat(ids(new TaskFilter(TaskStatus.FAILED, null, null, null, null, null))).isEmpty();
		Instant created = this.queue.find(mail).orElseThrow().createdAt();
		assertThat(ids(new TaskFilter(null, null, null, null, created, null))).contains(mail).doesNotContain(echo);
		assertThat(ids(new TaskFilter(null, null, null, null, null, created))).contains(echo).doesNotContain(mail);
	}

	@Test
	void eachStatusSelectsItsTasks() {
		UUID ready = later("echo", "r");
		UUID running = this.queue.enqueue("hold", "h").id();
		UUID failed = this.queue.enqueue("boom", "f").id();
		UUID cancelled = later("echo", "c");
		this.queue.cancel(cancelled);
		UUID waiting = this.queue.enqueue(TaskRequest.builder("echo").payload("w").after(ready).build()).id();
		awaitStatus(this.queue, running, TaskStatus.RUNNING);
		awaitStatus(this.queue, failed, TaskStatus.FAILED);
		assertThat(ids(new TaskFilter(TaskStatus.READY, null, null, null, null, null))).containsExactly(ready);
		assertThat(ids(new TaskFilter(TaskStatus.RUNNING, null, null, null, null, null))).containsExactly(running);
		assertThat(ids(new TaskFilter(TaskStatus.FAILED, null, null, null, null, null))).containsExactly(failed);
		assertThat(ids(new TaskFilter(TaskStatus.CANCELLED, null, null, null, null, null))).containsExactly(cancelled);
		assertThat(ids(new TaskFilter(TaskStatus.WAITING, null, null, null, null, null))).containsExactly(waiting);
		this.release.countDown();
		awaitStatus(this.queue, running, TaskStatus.SUCCEEDED);
		assertThat(ids(new TaskFilter(TaskStatus.SUCCEEDED, null, null, null, null, null))).containsExactly(running);
	}

	@Test
	void filterTextThatLooksLikeSqlIsMatchedAsText() {
		later("echo", "e");
		later("boom", "b");
		assertThat(ids(new TaskFilter(null, "x' OR '1'='1", null, null, null, null))).isEmpty();
		assertThat(ids(new TaskFilter(null, null, "default' --", null, null, null))).isEmpty();
		assertThat(ids(new TaskFilter(null, "echo\" OR 1=1; DROP TABLE TQ_TASK; --", null, null, null, null)))
			.isEmpty();
		assertThat(ids(TaskFilter.ALL)).hasSize(2);
	}

	@Test
	void aTaskIsReadWithItsOptionsErrorsParentsAndChildren() {
		UUID parent = this.queue.enqueue("boom", "p").id();
		awaitStatus(this.queue, parent, TaskStatus.FAILED);
		UUID child = this.queue
			.enqueue(TaskRequest.builder("echo").payload("c").after(parent).timeout(Duration.ofSeconds(7)).build())
			.id();
		UUID grandchild = this.queue.enqueue(TaskRequest.builder("echo").payload("g").after(child).build()).id();
		TaskDetail detail = this.browser.task(child).orElseThrow();
		assertThat(detail.task().status()).isEqualTo(TaskStatus.WAITING);
		assertThat(detail.options().timeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(detail.parents()).containsExactly(new TaskLink(parent, "boom", TaskStatus.FAILED));
		assertThat(detail.children()).containsExactly(new TaskLink(grandchild, "echo", TaskStatus.WAITING));
		TaskDetail failed = this.browser.task(parent).orElseThrow();
		assertThat(failed.task().errors()).singleElement()
			.satisfies((error) -> assertThat(error.message()).contains("Boom: p"));
		assertThat(this.browser.task(TaskIds.next())).isEmpty();
	}

	@Test
	void aFlowHoldsEveryConnectedTaskUpToItsBound() {
		UUID a = later("echo", "a");
		UUID b = this.queue.enqueue(TaskRequest.builder("echo").payload("b").after(a).build()).id();
		UUID c = this.queue.enqueue(TaskRequest.builder("echo").payload("c").afterEvenIfFailed(b).build()).id();
		UUID d = this.queue.enqueue(TaskRequest.builder("echo").payload("d").after(a).build()).id();
		UUID unrelated = later("echo", "u");
		Flow flow = this.browser.flow(c, 100).orElseThrow();
		assertThat(flow.nodes()).extracting(TaskLink::id).containsExactlyInAnyOrder(a, b, c, d)
			.doesNotContain(unrelated);
		assertThat(flow.edges()).containsExactlyInAnyOrder(new Flow.Edge(a, b, false), new Flow.Edge(b, c, true),
				new Flow.Edge(a, d, false));
		assertThat(flow.truncated()).isFalse();
		Flow bounded = this.browser.flow(c, 2).orElseThrow();
		assertThat(bounded.nodes()).hasSize(2).extracting(TaskLink::id).contains(c);
		assertThat(bounded.truncated()).isTrue();
		assertThat(bounded.edges()).allSatisfy((edge) -> assertThat(bounded.nodes()).extracting(TaskLink::id)
			.contains(edge.from(), edge.to()));
		assertThat(this.browser.flow(TaskIds.next(), 10)).isEmpty();
	}

	@Test
	void aFlowThroughATaskWithMoreChildrenThanItsBoundIsTruncated() {
		UUID root = later("echo", "root");
		this.queue.enqueueAll(IntStream.range(0, 30)
			.mapToObj((i) -> TaskRequest.builder("echo").payload("c" + i).after(root).build())
			.toList());
		Flow flow = this.browser.flow(root, 5).orElseThrow();
		assertThat(flow.truncated()).isTrue();
		assertThat(flow.nodes()).hasSize(5).extracting(TaskLink::id).contains(root);
		assertThat(flow.edges()).hasSize(4).allSatisfy((edge) -> assertThat(edge.from()).isEqualTo(root));
		AtomicInteger rows = new AtomicInteger();
		new JdbcTaskBrowser(countingRows(this.nodes.dataSource(), rows), this.nodes.dialect(), this.nodes.prefix(),
				new PayloadCodec(JsonMapper.builder().build()))
			.flow(root, 5);
		// The root's edges read at most once the bound and one, and then its kept tasks
		assertThat(rows.get()).isLessThanOrEqualTo(6 + 5);
		Flow whole = this.browser.flow(root, 31).orElseThrow();
		assertThat(whole.truncated()).isFalse();
		assertThat(whole.nodes()).hasSize(31);
		assertThat(whole.edges()).hasSize(30);
	}

	/** A DataSource that counts the rows its result sets give. */
	private static DataSource countingRows(DataSource dataSource, AtomicInteger rows) {
		return proxy(DataSource.class, dataSource, rows);
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, AtomicInteger rows) {
		return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (self, method, args) -> {
			Object result;
			try {
				result = method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			if (result instanceof Connection connection) {
				return proxy(Connection.class, connection, rows);
			}
			if (result instanceof PreparedStatement statement) {
				return proxy(PreparedStatement.class, statement, rows);
			}
			if (result instanceof ResultSet resultSet) {
				return proxy(ResultSet.class, resultSet, rows);
			}
			if (method.getName().equals("next") && Boolean.TRUE.equals(result)) {
				rows.incrementAndGet();
			}
			return result;
		});
	}

	@Test
	void jobsAreListedNewestFirstWithTheirCountsAPageAtATime() {
		List<UUID> jobs = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			jobs.add(this.queue.startJob(JobRequest.builder("job " + i)
				.task(TaskRequest.builder("echo").payload("x").runAt(LATER).build())
				.task(TaskRequest.builder("echo").payload("y").runAt(LATER).build())
				.build()).id());
		}
		UUID cancelled = jobs.get(1);
		this.queue.cancelJob(cancelled);
		Page<JobState> first = this.browser.jobs(null, null, 2);
		assertThat(first.items()).extracting(JobState::id).containsExactly(jobs.get(2), jobs.get(1));
		assertThat(first.items().get(0).counts().get(TaskStatus.READY)).isEqualTo(2);
		assertThat(first.items().get(1).counts().get(TaskStatus.CANCELLED)).isEqualTo(2);
		assertThat(first.items().get(1).status()).isEqualTo(JobStatus.CANCELLED);
		Page<JobState> second = this.browser.jobs(null, first.next(), 2);
		assertThat(second.items()).extracting(JobState::id).containsExactly(jobs.get(0));
		assertThat(second.next()).isNull();
		assertThat(this.browser.jobs(JobStatus.CANCELLED, null, 10).items()).extracting(JobState::id)
			.containsExactly(cancelled);
	}

	@Test
	void throughputCountsTheTasksThatFinishedPerMinuteAndOutcome() {
		Instant since = this.engine.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
		UUID succeeded = this.queue.enqueue("echo", "s").id();
		UUID failed = this.queue.enqueue("boom", "f").id();
		JobRef job = this.queue.startJob(JobRequest.builder("batch").task(TaskRequest.of("echo", "j")).build());
		UUID cancelled = later("echo", "c");
		this.queue.cancel(cancelled);
		awaitStatus(this.queue, succeeded, TaskStatus.SUCCEEDED);
		awaitStatus(this.queue, failed, TaskStatus.FAILED);
		awaitStatus(this.queue, this.queue.findJobTasks(job.id(), null, 0, 1).get(0).id(), TaskStatus.SUCCEEDED);
		List<ThroughputBucket> buckets = this.browser.throughput(since);
		assertThat(buckets).isSortedAccordingTo(Comparator.comparing(ThroughputBucket::at));
		assertThat(buckets).allSatisfy((bucket) -> {
			assertThat(bucket.at()).isAfterOrEqualTo(since);
			assertThat(bucket.at().getEpochSecond() % 60).isZero();
		});
		assertThat(buckets.stream().mapToLong(ThroughputBucket::succeeded).sum()).isEqualTo(2);
		assertThat(buckets.stream().mapToLong(ThroughputBucket::failed).sum()).isEqualTo(1);
		assertThat(buckets.stream().mapToLong(ThroughputBucket::cancelled).sum()).isEqualTo(1);
		assertThat(this.browser.throughput(this.engine.now().plus(Duration.ofMinutes(1)))).isEmpty();
	}

	@Test
	void waitingTasksAreCounted() {
		UUID parent = later("echo", "p");
		this.queue.enqueue(TaskRequest.builder("echo").payload("c").queue("mail").after(parent).build());
		assertThat(this.engine.taskCounts().count("mail", TaskStatus.WAITING)).isOne();
	}

	@Test
	void theAuditTrailListsItsEntriesNewestFirstAPageAtATime() {
		AuditTrail trail = this.engine.auditTrail();
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			AuditEntry entry = new AuditEntry(TaskIds.next(), this.engine.now(), "alice", "task.retry",
					"task " + i, 1, (i == 0) ? null : "detail " + i);
			trail.record(entry);
			ids.add(entry.id());
		}
		Page<AuditEntry> first = trail.entries(null, 2);
		assertThat(first.items()).extracting(AuditEntry::id).containsExactly(ids.get(2), ids.get(1));
		assertThat(first.items().get(0)).satisfies((entry) -> {
			assertThat(entry.user()).isEqualTo("alice");
			assertThat(entry.action()).isEqualTo("task.retry");
			assertThat(entry.target()).isEqualTo("task 2");
			assertThat(entry.tasks()).isOne();
			assertThat(entry.detail()).isEqualTo("detail 2");
		});
		Page<AuditEntry> second = trail.entries(first.next(), 2);
		assertThat(second.items()).extracting(AuditEntry::id).containsExactly(ids.get(0));
		assertThat(second.items().get(0).detail()).isNull();
		assertThat(second.next()).isNull();
	}

	@Test
	void aPageSizeOutsideItsBoundsIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.browser.tasks(TaskFilter.ALL, null, 0))
			.withMessageContaining("'limit'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.browser.jobs(null, null, TaskBrowser.MAX_PAGE_SIZE + 1))
			.withMessageContaining("'limit'");
	}

	private UUID later(String type, String payload) {
		return this.queue.enqueue(TaskRequest.builder(type).payload(payload).runAt(LATER).build()).id();
	}

	private List<UUID> ids(TaskFilter filter) {
		return this.browser.tasks(filter, null, 100).items().stream().map(TaskSummary::id).toList();
	}

}

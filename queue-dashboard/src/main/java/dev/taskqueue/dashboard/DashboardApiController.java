package dev.taskqueue.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.ThroughputBucket;
import dev.taskqueue.dashboard.DashboardRequests.NotFoundException;
import dev.taskqueue.dashboard.DashboardUsers.DashboardUser;
import dev.taskqueue.dashboard.DashboardViews.AuditView;
import dev.taskqueue.dashboard.DashboardViews.Bucket;
import dev.taskqueue.dashboard.DashboardViews.Filters;
import dev.taskqueue.dashboard.DashboardViews.FlowView;
import dev.taskqueue.dashboard.DashboardViews.Items;
import dev.taskqueue.dashboard.DashboardViews.JobDetailView;
import dev.taskqueue.dashboard.DashboardViews.JobRow;
import dev.taskqueue.dashboard.DashboardViews.Me;
import dev.taskqueue.dashboard.DashboardViews.NodeView;
import dev.taskqueue.dashboard.DashboardViews.Overview;
import dev.taskqueue.dashboard.DashboardViews.QueueView;
import dev.taskqueue.dashboard.DashboardViews.TaskDetailView;
import dev.taskqueue.dashboard.DashboardViews.TaskRow;
import dev.taskqueue.dashboard.DashboardViews.Throughput;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * The reads of the dashboard's JSON API, open to viewers and operators.
 */
@RestController
@RequestMapping("${taskqueue.dashboard.path:/taskqueue}/api")
class DashboardApiController {

	/** The most tasks a flow's graph shows. */
	static final int MAX_FLOW_TASKS = 500;

	private static final int THROUGHPUT_MINUTES = 60;

	private final TaskQueueEngine engine;

	private final TaskTypeRegistry registry;

	private final DashboardUsers users;

	private final PayloadMask mask;

	private final Duration pollInterval;

	DashboardApiController(TaskQueueEngine engine, TaskTypeRegistry registry, DashboardUsers users, PayloadMask mask,
			Duration pollInterval) {
		this.engine = engine;
		this.registry = registry;
		this.users = users;
		this.mask = mask;
		this.pollInterval = pollInterval;
	}

	@GetMapping("/me")
	Me me(HttpServletRequest request) {
		DashboardUser user = this.users.current(request);
		return new Me(user.name(), user.operator(), this.mask.visibility().name().toLowerCase(Locale.ROOT),
				this.pollInterval.toMillis());
	}

	@GetMapping("/overview")
	Overview overview() {
		TaskCounts counts = this.engine.taskCounts();
		TreeSet<String> queues = new TreeSet<>(counts.queues());
		queues.addAll(this.registry.queues());
		List<QueueView> queueViews = queues.stream()
			.map((queue) -> new QueueView(queue, counts.count(queue, TaskStatus.WAITING),
					counts.count(queue, TaskStatus.READY), counts.count(queue, TaskStatus.RUNNING),
					oldestDueAgeMillis(counts, queue)))
			.toList();
		Instant now = this.engine.now();
		return new Overview(now, queueViews, this.engine.recentNodes().stream().map(NodeView::of).toList(),
				throughput(now));
	}

	private static @Nullable Long oldestDueAgeMillis(TaskCounts counts, String queue) {
		Duration age = counts.oldestDueAge(queue);
		return (age.isZero()) ? null : age.toMillis();
	}

	/** The last hour in minutes, oldest first, the current minute last. */
	private Throughput throughput(Instant now) {
		Instant first = now.truncatedTo(ChronoUnit.MINUTES).minus(THROUGHPUT_MINUTES - 1, ChronoUnit.MINUTES);
		Map<Instant, ThroughputBucket> finished = new HashMap<>();
		this.engine.browser().throughput(first).forEach((bucket) -> finished.put(bucket.at(), bucket));
		List<Bucket> buckets = new ArrayList<>();
		for (int minute = 0; minute < THROUGHPUT_MINUTES; minute++) {
			Instant at = first.plus(minute, ChronoUnit.MINUTES);
			ThroughputBucket bucket = finished.get(at);
			buckets.add((bucket != null) ? new Bucket(at, bucket.succeeded(), bucket.failed(), bucket.cancelled())
					: new Bucket(at, 0, 0, 0));
		}
		return new Throughput(60, buckets);
	}

	@GetMapping("/tasks")
	Items<TaskRow> tasks(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String type,
			@RequestParam(required = false) @Nullable String queue,
			@RequestParam(required = false) @Nullable String job, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, @RequestParam(required = false) @Nullable String limit,
			@RequestParam(required = false) @Nullable String cursor) {
		return items(this.engine.browser()
			.tasks(DashboardRequests.filter(status, type, queue, job, from, to), DashboardRequests.cursor(cursor),
					DashboardRequests.limit(limit)),
				TaskRow::of);
	}

	@GetMapping("/tasks/{id}")
	TaskDetailView task(@PathVariable String id) {
		UUID taskId = DashboardRequests.id("id", id);
		return this.engine.browser()
			.task(taskId)
			.map((detail) -> TaskDetailView.of(detail, this.mask))
			.orElseThrow(() -> new NotFoundException("Task " + taskId + " not found"));
	}

	@GetMapping("/tasks/{id}/flow")
	FlowView flow(@PathVariable String id) {
		UUID taskId = DashboardRequests.id("id", id);
		return this.engine.browser()
			.flow(taskId, MAX_FLOW_TASKS)
			.map(FlowView::of)
			.orElseThrow(() -> new NotFoundException("Task " + taskId + " not found"));
	}

	@GetMapping("/jobs")
	Items<JobRow> jobs(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String limit,
			@RequestParam(required = false) @Nullable String cursor) {
		return items(this.engine.browser()
			.jobs(DashboardRequests.jobStatus(status), DashboardRequests.cursor(cursor), DashboardRequests.limit(limit)),
				JobRow::of);
	}

	@GetMapping("/jobs/{id}")
	JobDetailView job(@PathVariable String id) {
		UUID jobId = DashboardRequests.id("id", id);
		return this.engine.queue()
			.findJob(jobId)
			.map((job) -> JobDetailView.of(job, this.mask))
			.orElseThrow(() -> new NotFoundException("Job " + jobId + " not found"));
	}

	/**
	 * The types and queues this node knows and those that unfinished tasks have, which a read
	 * of the cached counts gives without scanning finished tasks.
	 */
	@GetMapping("/filters")
	Filters filters() {
		TaskCounts counts = this.engine.taskCounts();
		TreeSet<String> types = new TreeSet<>(this.registry.names());
		counts.groups().forEach((group) -> types.add(group.type()));
		TreeSet<String> queues = new TreeSet<>(this.registry.queues());
		queues.addAll(counts.queues());
		return new Filters(List.copyOf(types), List.copyOf(queues));
	}

	@GetMapping("/audit")
	Items<AuditView> audit(@RequestParam(required = false) @Nullable String limit,
			@RequestParam(required = false) @Nullable String cursor) {
		return items(this.engine.auditTrail()
			.entries(DashboardRequests.cursor(cursor), DashboardRequests.limit(limit)), AuditView::of);
	}

	private static <T, V> Items<V> items(Page<T> page, Function<T, V> view) {
		return new Items<>(page.items().stream().map(view).toList(), page.next(), page.scannedTo());
	}

}

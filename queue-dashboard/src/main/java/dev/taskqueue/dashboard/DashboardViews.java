package dev.taskqueue.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.AuditEntry;
import dev.taskqueue.browse.Flow;
import dev.taskqueue.browse.TaskDetail;
import dev.taskqueue.browse.TaskLink;
import dev.taskqueue.browse.TaskSummary;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.node.NodeInfo;

/**
 * The JSON documents of the dashboard's API, as its contract spells them.
 */
final class DashboardViews {

	private DashboardViews() {
	}

	record Me(String user, boolean operator, String payloads, long pollMillis) {

	}

	record Overview(Instant now, List<QueueView> queues, List<NodeView> nodes, Throughput throughput) {

	}

	record QueueView(String queue, long waiting, long ready, long running, @Nullable Long oldestDueAgeMillis) {

	}

	record NodeView(String id, String host, Instant startedAt, Instant lastHeartbeat, int tasksRunning, String lanes) {

		static NodeView of(NodeInfo node) {
			String lanes = node.lanes()
				.stream()
				.map((lane) -> String.join(",", lane.queues()) + ":" + lane.concurrency())
				.collect(Collectors.joining(" "));
			return new NodeView(node.id(), node.host(), node.startedAt(), node.lastHeartbeat(), node.tasksRunning(),
					lanes);
		}

	}

	record Throughput(int bucketSeconds, List<Bucket> buckets) {

	}

	record Bucket(Instant at, long succeeded, long failed, long cancelled) {

	}

	record Items<T>(List<T> items, @Nullable UUID next, @Nullable UUID scannedTo) {

	}

	record TaskRow(UUID id, String type, String queue, TaskStatus status, int priority, int attempts, Instant runAt,
			Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable UUID jobId,
			@Nullable Double progress, @Nullable String progressMessage, @Nullable String errorMessage,
			@Nullable String worker) {

		static TaskRow of(TaskSummary task) {
			TaskProgress progress = task.progress();
			return new TaskRow(task.id(), task.type(), task.queue(), task.status(), task.priority(), task.attempts(),
					task.runAt(), task.createdAt(), task.startedAt(), task.finishedAt(), task.jobId(),
					(progress != null) ? progress.fraction() : null, (progress != null) ? progress.message() : null,
					task.errorMessage(), task.worker());
		}

	}

	record TaskDetailView(UUID id, String type, String queue, TaskStatus status, int priority, int attempts,
			Instant runAt, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
			@Nullable UUID jobId, @Nullable Double progress, @Nullable String progressMessage,
			@Nullable String errorMessage, @Nullable String worker, @Nullable JsonNode payload,
			@Nullable JsonNode result, TaskOptions options, @Nullable String uniqueKey, List<ErrorView> errors,
			List<TaskLink> parents, List<TaskLink> children) {

		static TaskDetailView of(TaskDetail detail, PayloadMask mask) {
			TaskState task = detail.task();
			TaskProgress progress = task.progress();
			return new TaskDetailView(task.id(), task.type(), task.queue(), task.status(), task.priority(),
					task.attempts(), task.runAt(), task.createdAt(), task.startedAt(), task.finishedAt(), task.jobId(),
					(progress != null) ? progress.fraction() : null, (progress != null) ? progress.message() : null,
					task.errorMessage(), task.worker(), mask.apply(tree(task.payload())),
					mask.apply(tree(task.result())), detail.options(), task.key(),
					task.errors().stream().map(ErrorView::of).toList(), detail.parents(), detail.children());
		}

	}

	record ErrorView(int attempt, String message, String detail, Instant failedAt) {

		static ErrorView of(TaskError error) {
			return new ErrorView(error.attempt(), error.message(), error.detail(), error.failedAt());
		}

	}

	record FlowView(List<TaskLink> nodes, List<Flow.Edge> edges, boolean truncated) {

		static FlowView of(Flow flow) {
			return new FlowView(flow.nodes(), flow.edges(), flow.truncated());
		}

	}

	record JobRow(UUID id, String name, JobStatus status, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, int total, int waiting, int ready, int running, int succeeded, int failed,
			int cancelled, double progress) {

		static JobRow of(JobState job) {
			// A status no task of the job is in may be missing from its counts
			Map<TaskStatus, Integer> counts = job.counts();
			return new JobRow(job.id(), job.name(), job.status(), job.createdAt(), job.startedAt(), job.finishedAt(),
					job.total(), counts.getOrDefault(TaskStatus.WAITING, 0), counts.getOrDefault(TaskStatus.READY, 0),
					counts.getOrDefault(TaskStatus.RUNNING, 0), counts.getOrDefault(TaskStatus.SUCCEEDED, 0),
					counts.getOrDefault(TaskStatus.FAILED, 0), counts.getOrDefault(TaskStatus.CANCELLED, 0),
					job.progress());
		}

	}

	record JobDetailView(UUID id, String name, JobStatus status, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, int total, int waiting, int ready, int running, int succeeded, int failed,
			int cancelled, double progress, @Nullable JsonNode result) {

		static JobDetailView of(JobState job, PayloadMask mask) {
			JobRow row = JobRow.of(job);
			return new JobDetailView(row.id(), row.name(), row.status(), row.createdAt(), row.startedAt(),
					row.finishedAt(), row.total(), row.waiting(), row.ready(), row.running(), row.succeeded(),
					row.failed(), row.cancelled(), row.progress(), mask.apply(tree(job.result())));
		}

	}

	record Filters(List<String> types, List<String> queues) {

	}

	record AuditView(UUID id, Instant at, String user, String action, String target, int tasks,
			@Nullable String detail) {

		static AuditView of(AuditEntry entry) {
			return new AuditView(entry.id(), entry.at(), entry.user(), entry.action(), entry.target(), entry.tasks(),
					entry.detail());
		}

	}

	record Changed(int changed) {

	}

	record BulkResult(int matched, int changed, boolean truncated) {

	}

	record BulkRequest(@Nullable String action, @Nullable List<String> ids, @Nullable Map<String, String> filter) {

	}

	record ErrorBody(String error) {

	}

	private static @Nullable JsonNode tree(@Nullable JsonValue value) {
		return (value != null) ? value.tree() : null;
	}

}

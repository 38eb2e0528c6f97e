package dev.taskqueue.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskCounts;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.node.NodeInfo;

/**
 * {@link Endpoint @Endpoint} for operators of a TaskQueue: unfinished tasks by status, queue
 * and type, the oldest due task's age and the live nodes; one task or job by id
 * ({@code tasks/{id}}, {@code jobs/{id}}); and, where access to the endpoint is
 * unrestricted, retrying or cancelling a task or a job ({@code tasks/{id}/retry},
 * {@code jobs/{id}/cancel}). Access is read-only by default. Payloads and results are shown
 * through a {@link PayloadMask}, as on the dashboard.
 *
 * @since 0.1.0
 */
@Endpoint(id = "taskqueue", defaultAccess = Access.READ_ONLY)
public class TaskQueueEndpoint {

	private static final String TASKS = "tasks";

	private static final String JOBS = "jobs";

	private final TaskQueueEngine engine;

	private final PayloadMask mask;

	/**
	 * Create an endpoint.
	 * @param engine the engine to report on and act through
	 * @param mask how payloads and results are shown
	 */
	public TaskQueueEndpoint(TaskQueueEngine engine, PayloadMask mask) {
		this.engine = engine;
		this.mask = mask;
	}

	/**
	 * Return the overview of the queue.
	 * @return the overview
	 */
	@ReadOperation
	public QueueDescriptor queue() {
		TaskCounts counts = this.engine.taskCounts();
		return new QueueDescriptor(counts.readAt(), byStatus(counts), counts.byQueue(), counts.byType(),
				counts.backlog(), counts.oldestDueAge(), this.engine.nodes());
	}

	/**
	 * Return one task or job.
	 * @param kind {@code tasks} or {@code jobs}
	 * @param id its id
	 * @return the task or job, or {@code null} if there is none
	 */
	@ReadOperation
	public @Nullable OperationResponseBody find(@Selector String kind, @Selector UUID id) {
		TaskQueue queue = this.engine.queue();
		return switch (checkKind(kind)) {
			case TASKS -> queue.find(id).map((task) -> TaskDescriptor.of(task, this.mask)).orElse(null);
			default -> queue.findJob(id).map((job) -> JobDescriptor.of(job, this.mask)).orElse(null);
		};
	}

	/**
	 * Retry or cancel a task or a job through {@link TaskQueue}.
	 * @param kind {@code tasks} or {@code jobs}
	 * @param id its id
	 * @param action {@code retry} or {@code cancel}
	 * @return what changed, or {@code null} if there is no such task or job
	 */
	@WriteOperation
	public @Nullable ActionDescriptor act(@Selector String kind, @Selector UUID id, @Selector String action) {
		TaskQueue queue = this.engine.queue();
		boolean task = TASKS.equals(checkKind(kind));
		try {
			int changed = switch (action) {
				case "retry" -> task ? (queue.retry(id) ? 1 : 0) : queue.retryJob(id);
				case "cancel" -> (task ? queue.cancel(id) : queue.cancelJob(id)) ? 1 : 0;
				default -> throw new InvalidEndpointRequestException(
						"Unknown action '" + action + "'; expected 'retry' or 'cancel'", "Unknown action");
			};
			return new ActionDescriptor(id, action, changed);
		}
		catch (TaskNotFoundException | JobNotFoundException ex) {
			return null;
		}
		catch (TaskQueueException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Cannot " + action);
		}
	}

	private static String checkKind(String kind) {
		if (!TASKS.equals(kind) && !JOBS.equals(kind)) {
			throw new InvalidEndpointRequestException("Unknown kind '" + kind + "'; expected 'tasks' or 'jobs'",
					"Unknown kind");
		}
		return kind;
	}

	static Map<TaskStatus, Long> byStatus(TaskCounts counts) {
		Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
		for (TaskStatus status : List.of(TaskStatus.WAITING, TaskStatus.READY, TaskStatus.RUNNING)) {
			byStatus.put(status, counts.count(status));
		}
		return byStatus;
	}

	private static @Nullable JsonNode tree(@Nullable JsonValue value) {
		return (value != null) ? value.tree() : null;
	}

	/**
	 * The overview of the queue.
	 *
	 * @param readAt when the counts were read, by the database's clock
	 * @param tasks unfinished tasks by status
	 * @param queues unfinished tasks by queue and status
	 * @param types unfinished tasks by type and status
	 * @param backlog READY tasks that are due
	 * @param oldestDueAge how long the oldest due READY task has waited
	 * @param nodes the live nodes
	 */
	public record QueueDescriptor(Instant readAt, Map<TaskStatus, Long> tasks, Map<String, Map<TaskStatus, Long>> queues,
			Map<String, Map<TaskStatus, Long>> types, long backlog, Duration oldestDueAge,
			List<NodeInfo> nodes) implements OperationResponseBody {

	}

	/**
	 * One task.
	 *
	 * @param id the id
	 * @param type the type
	 * @param queue the queue
	 * @param status the status
	 * @param priority the priority
	 * @param attempts the attempts made
	 * @param key the unique key, if any
	 * @param parents the parents' ids
	 * @param jobId the job, if any
	 * @param payload the payload
	 * @param result the result
	 * @param errorMessage the last error
	 * @param errors the errors of earlier attempts
	 * @param createdAt when it was enqueued
	 * @param runAt when it is or was due
	 * @param startedAt when its last attempt started
	 * @param worker the node running or that ran it
	 * @param finishedAt when it finished
	 */
	public record TaskDescriptor(UUID id, String type, String queue, TaskStatus status, int priority, int attempts,
			@Nullable String key, Set<UUID> parents, @Nullable UUID jobId, @Nullable JsonNode payload,
			@Nullable JsonNode result, @Nullable String errorMessage, List<TaskError> errors, Instant createdAt,
			Instant runAt, @Nullable Instant startedAt, @Nullable String worker,
			@Nullable Instant finishedAt) implements OperationResponseBody {

		static TaskDescriptor of(TaskState task, PayloadMask mask) {
			return new TaskDescriptor(task.id(), task.type(), task.queue(), task.status(), task.priority(),
					task.attempts(), task.key(), task.parents(), task.jobId(), mask.apply(tree(task.payload())),
					mask.apply(tree(task.result())),
					task.errorMessage(), task.errors(), task.createdAt(), task.runAt(), task.startedAt(), task.worker(),
					task.finishedAt());
		}

	}

	/**
	 * One job.
	 *
	 * @param id the id
	 * @param name the name
	 * @param status the status
	 * @param counts its tasks by status
	 * @param progress the share of its tasks that finished, from 0 to 1
	 * @param result the result
	 * @param createdAt when it started
	 * @param finishedAt when it finished
	 */
	public record JobDescriptor(UUID id, String name, JobStatus status, Map<TaskStatus, Integer> counts,
			double progress, @Nullable JsonNode result, Instant createdAt,
			@Nullable Instant finishedAt) implements OperationResponseBody {

		static JobDescriptor of(JobState job, PayloadMask mask) {
			return new JobDescriptor(job.id(), job.name(), job.status(), job.counts(), job.progress(),
					mask.apply(tree(job.result())), job.createdAt(), job.finishedAt());
		}

	}

	/**
	 * What a retry or cancel changed.
	 *
	 * @param id the task or job
	 * @param action {@code retry} or {@code cancel}
	 * @param changed how many tasks or jobs it changed: 0 if there was nothing to do
	 */
	public record ActionDescriptor(UUID id, String action, int changed) implements OperationResponseBody {

	}

}

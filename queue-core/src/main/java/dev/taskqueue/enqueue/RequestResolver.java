package dev.taskqueue.enqueue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.type.TaskType;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Turns requests into what the store writes: checks each task type, writes payloads as JSON and
 * fills in the type's queue and priority, before anything is written.
 *
 * @since 0.1.0
 */
public final class RequestResolver {

	private final TaskTypeRegistry registry;

	private final PayloadCodec codec;

	/**
	 * Create a resolver.
	 * @param registry the task types
	 * @param codec writes payloads
	 */
	public RequestResolver(TaskTypeRegistry registry, PayloadCodec codec) {
		this.registry = registry;
		this.codec = codec;
	}

	/**
	 * Resolve a task request.
	 * @param request the request
	 * @param jobId the job the task joins, or {@code null}
	 * @param now the time of enqueue
	 * @return the task to insert
	 * @throws UnknownTaskTypeException if no handler runs tasks of its type
	 * @throws TaskPayloadException if its payload cannot be written as JSON
	 */
	public NewTask task(TaskRequest request, @Nullable UUID jobId, Instant now) {
		TaskType type = this.registry.get(request.type());
		String payload = json(request.payload(), "Payload of task type '" + request.type() + "'");
		Instant runAt = (request.runAt() != null) ? request.runAt()
				: (request.delay() != null) ? now.plus(request.delay()) : now;
		return new NewTask(request.id(), request.type(), queue(request, type), priority(request, type), runAt, payload,
				request.key(), request.options(), request.parents(), request.parentsEvenIfFailed(), jobId, now);
	}

	/**
	 * Resolve task requests.
	 * @param requests the requests
	 * @param jobId the job the tasks join, or {@code null}
	 * @param now the time of enqueue
	 * @return the tasks to insert, in order
	 */
	public List<NewTask> tasks(List<TaskRequest> requests, @Nullable UUID jobId, Instant now) {
		List<NewTask> tasks = new ArrayList<>(requests.size());
		for (TaskRequest request : requests) {
			tasks.add(task(request, jobId, now));
		}
		return tasks;
	}

	/**
	 * Resolve a job request, its tasks and callbacks.
	 * @param request the request
	 * @param now the time it starts
	 * @return the job to insert
	 */
	public NewJob job(JobRequest request, Instant now) {
		List<NewJob.Callback> callbacks = new ArrayList<>();
		addCallbacks(callbacks, NewJob.RunOn.SUCCESS, request.onSuccess());
		addCallbacks(callbacks, NewJob.RunOn.FAILURE, request.onFailure());
		addCallbacks(callbacks, NewJob.RunOn.COMPLETE, request.onComplete());
		return new NewJob(request.id(), request.name(), (request.planner() != null) ? request.planner().id() : null,
				request.expectedTasks(), tasks(request.allTasks(), request.id(), now), callbacks, now);
	}

	private void addCallbacks(List<NewJob.Callback> callbacks, NewJob.RunOn runOn, List<TaskRequest> requests) {
		for (TaskRequest request : requests) {
			TaskType type = this.registry.get(request.type());
			callbacks.add(new NewJob.Callback(runOn, request.type(), queue(request, type), priority(request, type),
					json(request.payload(), "Payload of task type '" + request.type() + "'"), request.options()));
		}
	}

	private static String queue(TaskRequest request, TaskType type) {
		return (request.queue() != null) ? request.queue() : type.queue();
	}

	private static int priority(TaskRequest request, TaskType type) {
		return (request.priority() != null) ? request.priority() : type.priority();
	}

	/**
	 * Write a value as JSON.
	 * @param value the value, or {@code null}
	 * @param what what the value is, for the error message
	 * @return the JSON, or {@code null}
	 * @throws TaskPayloadException if the value cannot be written as JSON
	 */
	public @Nullable String json(@Nullable Object value, String what) {
		try {
			return this.codec.write(value);
		}
		catch (JacksonException ex) {
			throw new TaskPayloadException(what + " cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

}

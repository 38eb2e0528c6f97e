package dev.taskqueue.enqueue;

import java.lang.reflect.Type;
import java.time.Duration;
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
 * Turns requests into what the store writes: checks each task type, writes payloads as JSON,
 * checks that they bind to the handler's parameter, and fills in the type's queue and priority,
 * before anything is written.
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
	 * @throws TaskPayloadException if its payload cannot be written as JSON, does not bind to
	 * the handler's parameter, or is missing for a handler that requires one
	 * @throws IllegalArgumentException if its delay makes it due after
	 * {@link TaskRequest#MAX_RUN_AT}
	 */
	public NewTask task(TaskRequest request, @Nullable UUID jobId, Instant now) {
		TaskType type = this.registry.get(request.type());
		String payload = payload(request, type, null);
		Instant runAt = (request.runAt() != null) ? request.runAt()
				: (request.delay() != null) ? delayed(request, now) : now;
		return new NewTask(request.id(), request.type(), queue(request, type), priority(request, type), runAt, payload,
				request.key(), request.options(), request.parents(), request.parentsEvenIfFailed(), jobId, now);
	}

	private static Instant delayed(TaskRequest request, Instant now) {
		// Compared before adding, so that no delay overflows the time arithmetic
		if (request.delay().compareTo(Duration.between(now, TaskRequest.MAX_RUN_AT)) > 0) {
			throw new IllegalArgumentException("'delay' of a task of type '%s' must not make it due after %s"
				.formatted(request.type(), TaskRequest.MAX_RUN_AT));
		}
		return now.plus(request.delay());
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
		addCallbacks(callbacks, NewJob.RunOn.SUCCESS, request.onSuccess(), request.id());
		addCallbacks(callbacks, NewJob.RunOn.FAILURE, request.onFailure(), request.id());
		addCallbacks(callbacks, NewJob.RunOn.COMPLETE, request.onComplete(), request.id());
		return new NewJob(request.id(), request.name(), (request.planner() != null) ? request.planner().id() : null,
				request.expectedTasks(), tasks(request.allTasks(), request.id(), now), callbacks, now);
	}

	private void addCallbacks(List<NewJob.Callback> callbacks, NewJob.RunOn runOn, List<TaskRequest> requests,
			UUID jobId) {
		for (TaskRequest request : requests) {
			TaskType type = this.registry.get(request.type());
			callbacks.add(new NewJob.Callback(runOn, request.type(), queue(request, type), priority(request, type),
					payload(request, type, jobId), request.options()));
		}
	}

	/**
	 * Write a request's payload as JSON, checking that what the handler will receive binds to
	 * its parameter as the worker will bind it, and that a handler that requires a payload gets
	 * one.
	 * @param absent what the handler receives when the request has no payload: nothing, or the
	 * job id for a job callback
	 */
	private @Nullable String payload(TaskRequest request, TaskType type, @Nullable Object absent) {
		String payload = json(request.payload(), "Payload of task type '" + request.type() + "'");
		String received = (payload != null) ? payload : this.codec.write(absent);
		Type payloadType = type.payloadType();
		if (received == null && type.payloadRequired()) {
			throw new TaskPayloadException("Task type '%s' requires a payload: its handler takes a %s"
				.formatted(request.type(), payloadType.getTypeName()));
		}
		if (received != null && payloadType != null) {
			try {
				this.codec.read(received, payloadType);
			}
			catch (JacksonException ex) {
				throw new TaskPayloadException(PayloadCodec.bindingFailure(request.type(), payloadType, ex), ex);
			}
		}
		return payload;
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

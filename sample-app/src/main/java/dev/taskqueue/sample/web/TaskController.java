package dev.taskqueue.sample.web;

import java.time.Duration;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;

/**
 * Enqueue one task of any type, look tasks up, cancel and retry them.
 */
@RestController
@RequestMapping("/tasks")
public class TaskController {

	private final TaskQueue taskQueue;

	public TaskController(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Enqueue a task: {@code {"type": "reserve-stock", "payload": {...}}}, optionally with a
	 * {@code priority}, a {@code delaySeconds} and a unique {@code key}.
	 * @param request the task to enqueue
	 * @return its id and type; with a key that an unfinished task holds, that task's
	 */
	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	public TaskRef enqueue(@RequestBody EnqueueRequest request) {
		TaskRequest.Builder builder = TaskRequest.builder(request.type()).payload(request.payload());
		if (request.priority() != null) {
			builder.priority(request.priority());
		}
		if (request.delaySeconds() != null) {
			builder.delay(Duration.ofSeconds(request.delaySeconds()));
		}
		if (request.key() != null) {
			builder.key(request.key());
		}
		return this.taskQueue.enqueue(builder.build());
	}

	/**
	 * Look a task up.
	 * @param id the task id
	 * @return its state
	 */
	@GetMapping("/{id}")
	public TaskView get(@PathVariable UUID id) {
		return this.taskQueue.find(id)
			.map(TaskView::of)
			.orElseThrow(() -> new TaskNotFoundException(id, "Task " + id + " not found"));
	}

	/**
	 * Cancel a task that has not succeeded, and the tasks waiting for it.
	 * @param id the task id
	 * @return whether it was cancelled, and its state now
	 */
	@PostMapping("/{id}/cancel")
	public ActionResult cancel(@PathVariable UUID id) {
		boolean cancelled = this.taskQueue.cancel(id);
		return new ActionResult(cancelled, get(id));
	}

	/**
	 * Run a FAILED or CANCELLED task again, with a fresh set of retries.
	 * @param id the task id
	 * @return whether it was queued again, and its state now
	 */
	@PostMapping("/{id}/retry")
	public ActionResult retry(@PathVariable UUID id) {
		boolean retried = this.taskQueue.retry(id);
		return new ActionResult(retried, get(id));
	}

	/**
	 * A task to enqueue.
	 *
	 * @param type the task type
	 * @param payload its payload
	 * @param priority its priority, or {@code null} for the type's
	 * @param delaySeconds how long to wait before running it, or {@code null} to run it now
	 * @param key a unique key, or {@code null}
	 */
	public record EnqueueRequest(String type, JsonNode payload, Integer priority, Long delaySeconds, String key) {

	}

	/**
	 * The outcome of a cancel or a retry.
	 *
	 * @param changed whether the task was cancelled or queued again
	 * @param task the task's state afterwards
	 */
	public record ActionResult(boolean changed, TaskView task) {

	}

}

package dev.taskqueue.sample.web;

import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskStatus;

/**
 * Follow jobs (a reminder job, an order's flow), list their tasks, cancel and retry them.
 */
@RestController
@RequestMapping("/jobs")
public class JobController {

	/** The most tasks one page lists. */
	private static final int MAX_LIMIT = 500;

	private final TaskQueue taskQueue;

	public JobController(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Look a job up: its status, its tasks counted by status, its progress and result.
	 * @param id the job id
	 * @return its state
	 */
	@GetMapping("/{id}")
	public JobView get(@PathVariable UUID id) {
		return this.taskQueue.findJob(id).map(JobView::of).orElseThrow(() -> new JobNotFoundException(id));
	}

	/**
	 * List a job's tasks in the order they were added, a page at a time.
	 * @param id the job id
	 * @param status only tasks in this status, or {@code null} for all
	 * @param offset how many tasks to skip
	 * @param limit how many tasks at most, up to 500
	 * @return the tasks
	 */
	@GetMapping("/{id}/tasks")
	public List<TaskView> tasks(@PathVariable UUID id, @RequestParam(required = false) TaskStatus status,
			@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "20") int limit) {
		get(id); // A 404 for an unknown job, rather than an empty list
		return this.taskQueue.findJobTasks(id, status, Math.max(offset, 0), Math.min(Math.max(limit, 0), MAX_LIMIT))
			.stream()
			.map(TaskView::of)
			.toList();
	}

	/**
	 * Cancel a job that has not succeeded: its tasks that have not finished are cancelled, and
	 * no callback runs.
	 * @param id the job id
	 * @return whether it was cancelled, and its state now
	 */
	@PostMapping("/{id}/cancel")
	public Cancelled cancel(@PathVariable UUID id) {
		boolean cancelled = this.taskQueue.cancelJob(id);
		return new Cancelled(cancelled, get(id));
	}

	/**
	 * Run a job's FAILED tasks again, each with a fresh set of retries; a FAILED job runs
	 * again, and its callbacks run again when it ends.
	 * @param id the job id
	 * @return how many tasks were queued again, and the job's state now
	 */
	@PostMapping("/{id}/retry")
	public Retried retry(@PathVariable UUID id) {
		int retried = this.taskQueue.retryJob(id);
		return new Retried(retried, get(id));
	}

	/**
	 * The outcome of a cancel.
	 *
	 * @param changed whether the job was cancelled, {@code false} if it had succeeded or been
	 * cancelled already
	 * @param job the job's state afterwards
	 */
	public record Cancelled(boolean changed, JobView job) {

	}

	/**
	 * The outcome of a retry.
	 *
	 * @param retried how many of the job's tasks were queued again
	 * @param job the job's state afterwards
	 */
	public record Retried(int retried, JobView job) {

	}

}

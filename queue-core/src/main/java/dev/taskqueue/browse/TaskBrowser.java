package dev.taskqueue.browse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;

/**
 * What operators read about the tasks of a queue, newest first and a page at a time, each page
 * found through an index from where the last one ended (keyset paging) rather than by
 * skipping rows, so that a page costs the same on a million rows as on a hundred.
 *
 * @since 0.1.0
 */
public interface TaskBrowser {

	/** The most items a page holds. */
	int MAX_PAGE_SIZE = 500;

	/**
	 * List tasks that match a filter, newest first. A filter that matches few tasks is looked
	 * for in a bounded part of the table per call: a page that reached that bound before it was
	 * full has a {@link Page#scannedTo() scannedTo}, and its {@link Page#next() next} goes on.
	 * @param filter the filter
	 * @param after the id the page starts after, the previous page's
	 * {@link Page#next() next}, or {@code null} for the first page
	 * @param limit how many tasks at most, up to {@link #MAX_PAGE_SIZE}
	 * @return the page
	 */
	Page<TaskSummary> tasks(TaskFilter filter, @Nullable UUID after, int limit);

	/**
	 * Look a task up with its options and relatives.
	 * @param id the task id
	 * @return the task, or empty
	 */
	Optional<TaskDetail> task(UUID id);

	/**
	 * Read the flow a task belongs to, going from task to task along their dependencies both
	 * ways until every connected task is read or {@code maxTasks} are.
	 * @param id the task id
	 * @param maxTasks how many tasks at most
	 * @return the flow, or empty if there is no such task
	 */
	Optional<Flow> flow(UUID id, int maxTasks);

	/**
	 * List jobs, newest first, with how many of their tasks are in each status.
	 * @param status only jobs in this status, or {@code null} for all
	 * @param after the id the page starts after, or {@code null} for the first page
	 * @param limit how many jobs at most, up to {@link #MAX_PAGE_SIZE}
	 * @return the page
	 */
	Page<JobState> jobs(@Nullable JobStatus status, @Nullable UUID after, int limit);

	/**
	 * Count the tasks that finished since a time, per minute and outcome; minutes in which
	 * none finished are left out.
	 * @param since the earliest finishing time
	 * @return the counts, oldest minute first
	 */
	List<ThroughputBucket> throughput(Instant since);

}

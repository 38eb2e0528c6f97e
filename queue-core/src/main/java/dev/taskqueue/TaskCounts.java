package dev.taskqueue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * How many unfinished tasks the queue holds, read at one time by one query: per queue, type
 * and status ({@link TaskStatus#WAITING WAITING}, {@link TaskStatus#READY READY} and
 * {@link TaskStatus#RUNNING RUNNING}), with how many of them are due and the earliest due
 * time. Finished tasks are not counted: the read goes through indexes that hold unfinished
 * tasks only, so that it never scans the table.
 *
 * @param readAt when the counts were read, by the database's clock
 * @param groups the counts per queue, type and status; groups without tasks are left out
 * @since 0.1.0
 */
public record TaskCounts(Instant readAt, List<Group> groups) {

	public TaskCounts {
		Assert.notNull(readAt, "'readAt' must not be null");
		groups = List.copyOf(groups);
	}

	/**
	 * Return the queues that hold unfinished tasks.
	 * @return the queue names, sorted
	 */
	public Set<String> queues() {
		return this.groups.stream().map(Group::queue).collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * Return how many tasks are in the given status.
	 * @param status an unfinished status
	 * @return the number of tasks
	 */
	public long count(TaskStatus status) {
		return this.groups.stream().filter((group) -> group.status() == status).mapToLong(Group::tasks).sum();
	}

	/**
	 * Return how many tasks of a queue are in the given status.
	 * @param queue the queue
	 * @param status an unfinished status
	 * @return the number of tasks
	 */
	public long count(String queue, TaskStatus status) {
		return this.groups.stream()
			.filter((group) -> group.status() == status && group.queue().equals(queue))
			.mapToLong(Group::tasks)
			.sum();
	}

	/**
	 * Return the backlog: READY tasks that are due, waiting for a worker.
	 * @return the number of due READY tasks
	 */
	public long backlog() {
		return this.groups.stream().filter((group) -> group.status() == TaskStatus.READY).mapToLong(Group::due).sum();
	}

	/**
	 * Return how long the READY task that has been due longest has been waiting.
	 * @return its age, or zero if no READY task is due
	 */
	public Duration oldestDueAge() {
		return oldestDueAge((group) -> true);
	}

	/**
	 * Return how long the READY task of a queue that has been due longest has been waiting.
	 * @param queue the queue
	 * @return its age, or zero if no READY task of the queue is due
	 */
	public Duration oldestDueAge(String queue) {
		return oldestDueAge((group) -> group.queue().equals(queue));
	}

	private Duration oldestDueAge(Function<Group, Boolean> filter) {
		return this.groups.stream()
			.filter((group) -> group.status() == TaskStatus.READY && group.due() > 0 && filter.apply(group))
			.map(Group::firstRunAt)
			.filter(Objects::nonNull)
			.min(Instant::compareTo)
			.map((first) -> Duration.between(first, this.readAt))
			.filter((age) -> !age.isNegative())
			.orElse(Duration.ZERO);
	}

	/**
	 * Return the counts per queue and status.
	 * @return the counts, by queue name then status
	 */
	public Map<String, Map<TaskStatus, Long>> byQueue() {
		return by(Group::queue);
	}

	/**
	 * Return the counts per task type and status.
	 * @return the counts, by type then status
	 */
	public Map<String, Map<TaskStatus, Long>> byType() {
		return by(Group::type);
	}

	private Map<String, Map<TaskStatus, Long>> by(Function<Group, String> key) {
		Map<String, Map<TaskStatus, Long>> counts = new TreeMap<>();
		for (Group group : this.groups) {
			counts.computeIfAbsent(key.apply(group), (name) -> new EnumMap<>(TaskStatus.class))
				.merge(group.status(), group.tasks(), Long::sum);
		}
		return counts;
	}

	/**
	 * The unfinished tasks of one queue, type and status.
	 *
	 * @param queue the queue
	 * @param type the task type
	 * @param status the status
	 * @param tasks how many tasks
	 * @param due how many of them are due
	 * @param firstRunAt the earliest due time among them, or {@code null} if unknown
	 */
	public record Group(String queue, String type, TaskStatus status, long tasks, long due,
			@Nullable Instant firstRunAt) {

	}

}

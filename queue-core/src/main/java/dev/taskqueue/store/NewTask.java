package dev.taskqueue.store;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.schedule.ScheduleSlot;

/**
 * A task to insert, with every option resolved.
 *
 * @param id the task id
 * @param type the task type
 * @param queue the queue
 * @param priority the priority
 * @param runAt the earliest time to run
 * @param payload the payload as JSON, or {@code null}
 * @param key its unique key, or {@code null}
 * @param options the execution options its request set, over its type's
 * @param parents the ids of its parents
 * @param parentsEvenIfFailed the parents it runs after even if they failed; a subset of
 * {@code parents}
 * @param jobId the job it belongs to, or {@code null}
 * @param createdAt when it was enqueued
 * @param scheduleSlot the schedule slot it is fired for, or {@code null}
 * @since 0.1.0
 */
public record NewTask(UUID id, String type, String queue, int priority, Instant runAt, @Nullable String payload,
		@Nullable String key, TaskOptions options, Set<UUID> parents, Set<UUID> parentsEvenIfFailed, @Nullable UUID jobId,
		Instant createdAt, @Nullable ScheduleSlot scheduleSlot) {

	/**
	 * Create a task that no schedule fires.
	 * @param id the task id
	 * @param type the task type
	 * @param queue the queue
	 * @param priority the priority
	 * @param runAt the earliest time to run
	 * @param payload the payload as JSON, or {@code null}
	 * @param key its unique key, or {@code null}
	 * @param options the execution options its request set, over its type's
	 * @param parents the ids of its parents
	 * @param parentsEvenIfFailed the parents it runs after even if they failed
	 * @param jobId the job it belongs to, or {@code null}
	 * @param createdAt when it was enqueued
	 */
	public NewTask(UUID id, String type, String queue, int priority, Instant runAt, @Nullable String payload,
			@Nullable String key, TaskOptions options, Set<UUID> parents, Set<UUID> parentsEvenIfFailed,
			@Nullable UUID jobId, Instant createdAt) {
		this(id, type, queue, priority, runAt, payload, key, options, parents, parentsEvenIfFailed, jobId, createdAt,
				null);
	}

	/**
	 * Return this task, fired for the given schedule slot.
	 * @param slot the slot
	 * @return the task
	 */
	public NewTask forSlot(ScheduleSlot slot) {
		return new NewTask(this.id, this.type, this.queue, this.priority, this.runAt, this.payload, this.key,
				this.options, this.parents, this.parentsEvenIfFailed, this.jobId, this.createdAt, slot);
	}

	/**
	 * Return whether the task is due as soon as it is enqueued, not scheduled for later; it is
	 * ready then unless it waits for parents.
	 * @return whether it is due when enqueued
	 */
	public boolean isDueWhenEnqueued() {
		return !this.runAt.isAfter(this.createdAt);
	}

}

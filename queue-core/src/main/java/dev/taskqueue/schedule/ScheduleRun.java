package dev.taskqueue.schedule;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskStatus;

/**
 * One fired slot of a schedule and the task it became.
 *
 * @param slot the slot's instant
 * @param taskId the task's id
 * @param status the task's status, or {@code null} once the task has been deleted
 * @param firedAt when the slot was fired, by the database's clock
 * @since 0.1.0
 */
public record ScheduleRun(Instant slot, UUID taskId, @Nullable TaskStatus status, Instant firedAt) {

}

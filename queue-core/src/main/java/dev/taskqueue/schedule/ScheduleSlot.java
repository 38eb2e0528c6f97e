package dev.taskqueue.schedule;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * The slot of a schedule a task was fired for: the schedule's name and the instant the slot
 * stands for (not when the task ran). A schedule and a slot instant identify one task,
 * whatever the number of nodes.
 *
 * @param schedule the schedule's name
 * @param slot the slot's instant
 * @since 0.1.0
 */
public record ScheduleSlot(String schedule, Instant slot) {

	public ScheduleSlot {
		Assert.hasText(schedule, "'schedule' must not be empty");
		Assert.notNull(slot, "'slot' must not be null");
	}

}

package dev.taskqueue.store;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;

/**
 * A schedule's row: its definition, with the payload as stored JSON, and its state.
 *
 * @param name the schedule's name
 * @param type the task type
 * @param payload the payload as JSON, or {@code null}
 * @param queue the queue, or {@code null} for the type's
 * @param priority the priority, or {@code null} for the type's
 * @param cron the cron expression, or {@code null} with a fixed rate
 * @param fixedRate the time between slots, or {@code null} with a cron expression
 * @param zone the zone of the cron expression
 * @param paused whether it is paused
 * @param misfire its misfire policy
 * @param overlap its overlap policy
 * @param declared whether it was declared in code or configuration
 * @param lastSlot the latest slot of its cadence fired, or {@code null}
 * @param nextSlot the next slot to fire, or {@code null} if there is none
 * @param version the row's version
 * @param createdAt when it was created, the anchor of a fixed rate
 * @since 0.1.0
 */
public record StoredSchedule(String name, String type, @Nullable String payload, @Nullable String queue,
		@Nullable Integer priority, @Nullable String cron, @Nullable Duration fixedRate, ZoneId zone, boolean paused,
		MisfirePolicy misfire, OverlapPolicy overlap, boolean declared, @Nullable Instant lastSlot,
		@Nullable Instant nextSlot, long version, Instant createdAt) {

}

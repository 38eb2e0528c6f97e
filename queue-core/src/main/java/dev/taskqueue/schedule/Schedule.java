package dev.taskqueue.schedule;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A schedule as stored: its definition, where it was declared, and its state.
 *
 * @param definition what the schedule fires, and when
 * @param declared whether it was declared in code or configuration, so that startup updates
 * it and removes it once no longer declared; {@code false} for one created through
 * {@link TaskSchedules}, which startup never touches
 * @param lastSlot the latest slot of its cadence fired, or {@code null} if none has been;
 * slots fired by {@link TaskSchedules#trigger} and {@link TaskSchedules#backfill} do not count
 * @param lastRun the latest slot's task and its status, or {@code null} if none has been fired
 * @param nextSlots the next five slots to fire, empty while paused
 * @param version the row's version, incremented by every change and every fired slot
 * @since 0.1.0
 */
public record Schedule(ScheduleRequest definition, boolean declared, @Nullable Instant lastSlot,
		@Nullable ScheduleRun lastRun, List<Instant> nextSlots, long version) {

	/**
	 * Return the schedule's name.
	 * @return the name
	 */
	public String name() {
		return this.definition.name();
	}

	/**
	 * Return whether the schedule is paused.
	 * @return {@code true} if paused
	 */
	public boolean paused() {
		return this.definition.paused();
	}

}

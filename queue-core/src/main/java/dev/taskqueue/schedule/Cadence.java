package dev.taskqueue.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

import dev.taskqueue.store.StoredSchedule;

/**
 * The slots of a schedule: the instants of a cron expression read in a zone, or of a fixed
 * rate from an anchor.
 * <p>
 * Cron slots are found on the wall clock of the zone, then placed on the time line, so that
 * daylight-saving changes neither add nor drop runs: a wall-clock time that the spring-forward
 * gap skips fires once, at the first instant after the gap (and every slot in the gap, with the
 * one at its end, fires that once); a wall-clock time that the fall-back overlap repeats fires
 * once, at its first occurrence. {@link CronExpression} alone does neither: on a
 * {@code ZonedDateTime} it drops a slot in the gap for the day, and fires a slot in the
 * repeated hour twice.
 */
final class Cadence {

	private final @Nullable CronExpression cron;

	private final @Nullable Duration rate;

	private final ZoneId zone;

	private final Instant anchor;

	private Cadence(@Nullable CronExpression cron, @Nullable Duration rate, ZoneId zone, Instant anchor) {
		this.cron = cron;
		this.rate = rate;
		this.zone = zone;
		this.anchor = anchor;
	}

	/**
	 * The cadence of a stored schedule: its fixed rate from its creation, else its cron
	 * expression in its zone.
	 * @param schedule the schedule
	 * @return the cadence
	 */
	static Cadence of(StoredSchedule schedule) {
		return (schedule.fixedRate() != null) ? fixedRate(schedule.fixedRate(), anchor(schedule.createdAt()))
				: cron(schedule.cron(), schedule.zone());
	}

	/** The anchor of a fixed rate: the whole second of its schedule's creation. */
	static Instant anchor(Instant createdAt) {
		return createdAt.truncatedTo(ChronoUnit.SECONDS);
	}

	/**
	 * The cadence of a cron expression, read in a zone.
	 * @param cron the expression
	 * @param zone the zone
	 * @return the cadence
	 */
	static Cadence cron(String cron, ZoneId zone) {
		return new Cadence(CronExpression.parse(cron), null, zone, Instant.EPOCH);
	}

	/**
	 * The cadence of a fixed rate: the anchor, then every {@code rate} after it.
	 * @param rate the time between slots
	 * @param anchor the first slot
	 * @return the cadence
	 */
	static Cadence fixedRate(Duration rate, Instant anchor) {
		return new Cadence(null, rate, ZoneOffset.UTC, anchor);
	}

	/**
	 * Return the first slot strictly after an instant.
	 * @param after the instant
	 * @return the slot, or {@code null} if there is none
	 */
	@Nullable Instant next(Instant after) {
		if (this.rate != null) {
			return nextAtRate(this.rate, after);
		}
		CronExpression cron = this.cron;
		ZoneRules rules = this.zone.getRules();
		LocalDateTime local = LocalDateTime.ofInstant(after, this.zone);
		while (true) {
			local = cron.next(local);
			if (local == null) {
				return null;
			}
			Instant slot = place(local, rules);
			// A later wall-clock time may map to an instant not after this one: the slots of a
			// gap collapse into its end, and the repeated hour comes after its first occurrence
			if (slot.isAfter(after)) {
				return slot;
			}
		}
	}

	private @Nullable Instant nextAtRate(Duration rate, Instant after) {
		if (after.isBefore(this.anchor)) {
			return this.anchor;
		}
		long rateNanos = rate.toNanos();
		long elapsed = Duration.between(this.anchor, after).toNanos();
		return this.anchor.plusNanos((elapsed / rateNanos + 1) * rateNanos);
	}

	/** A wall-clock time on the time line: in a gap, the gap's end; in an overlap, the first. */
	private static Instant place(LocalDateTime local, ZoneRules rules) {
		List<ZoneOffset> offsets = rules.getValidOffsets(local);
		if (offsets.isEmpty()) {
			ZoneOffsetTransition gap = rules.getTransition(local);
			return gap.getInstant();
		}
		return local.toInstant(offsets.get(0));
	}

	/**
	 * Return the slots in a range.
	 * @param from the start, inclusive
	 * @param to the end, inclusive
	 * @param max the most slots to return
	 * @return the slots, oldest first
	 */
	List<Instant> between(Instant from, Instant to, int max) {
		List<Instant> slots = new ArrayList<>();
		Instant slot = next(from.minus(1, ChronoUnit.NANOS));
		while (slot != null && !slot.isAfter(to) && slots.size() < max) {
			slots.add(slot);
			slot = next(slot);
		}
		return slots;
	}

}

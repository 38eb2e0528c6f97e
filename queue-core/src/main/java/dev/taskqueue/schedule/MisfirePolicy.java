package dev.taskqueue.schedule;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * What a schedule does with the slots it missed while no node was running: skip them, run
 * the latest one once, or run each of them, up to a cap and within a catch-up window. A slot
 * counts as missed when the poll that finds it due is more than two poll intervals and ten
 * seconds past it; slots found in time always fire. Every skipped slot, and every missed slot fired
 * late, is logged at WARN naming the schedule and the slots, and counted by the
 * {@code taskqueue.schedule.slots} meter.
 *
 * @param mode what to do
 * @param cap with {@link Mode#RUN_ALL}, the most missed slots to run, the latest ones
 * @param window with {@link Mode#RUN_ALL}, how far back a missed slot may be and still run
 * @since 0.1.0
 */
public record MisfirePolicy(Mode mode, int cap, Duration window) {

	private static final MisfirePolicy SKIP = new MisfirePolicy(Mode.SKIP, 0, Duration.ZERO);

	private static final MisfirePolicy RUN_LATEST = new MisfirePolicy(Mode.RUN_LATEST, 1, Duration.ZERO);

	public MisfirePolicy {
		Assert.notNull(mode, "'mode' must not be null");
		Assert.isTrue(cap >= 0, "'cap' must not be negative");
		Assert.isTrue(window != null && !window.isNegative(), "'window' must not be negative");
	}

	/**
	 * Skip every missed slot and go on with the next one to come.
	 * @return the policy
	 */
	public static MisfirePolicy skip() {
		return SKIP;
	}

	/**
	 * Run the latest missed slot once and skip the others: the default. When a slot is also
	 * due in time, that one runs and every missed slot is skipped.
	 * @return the policy
	 */
	public static MisfirePolicy runLatest() {
		return RUN_LATEST;
	}

	/**
	 * Run each missed slot, oldest first, at most {@code cap} of them (the latest ones) and
	 * only those at most {@code window} old; the others are skipped.
	 * @param cap the most missed slots to run, at least 1
	 * @param window how far back a missed slot may be and still run, positive
	 * @return the policy
	 */
	public static MisfirePolicy runAll(int cap, Duration window) {
		Assert.isTrue(cap >= 1, "'cap' must be at least 1");
		Assert.isTrue(window != null && !window.isNegative() && !window.isZero(), "'window' must be positive");
		return new MisfirePolicy(Mode.RUN_ALL, cap, window);
	}

	/**
	 * What a {@link MisfirePolicy} does.
	 */
	public enum Mode {

		/** Skip missed slots. */
		SKIP,

		/** Run the latest missed slot once. */
		RUN_LATEST,

		/** Run missed slots up to a cap, within a window. */
		RUN_ALL

	}

}

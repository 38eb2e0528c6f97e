package dev.taskqueue.annotation;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;
import dev.taskqueue.schedule.ScheduleRequest;

/**
 * Reads the schedule that a {@link Task @Task} method declares from its attributes, once their
 * placeholders are resolved.
 */
final class ScheduleAttributes {

	/** The slots of a schedule declared {@code misfire = "run-all"} that run at most, the latest ones. */
	static final int DEFAULT_MISFIRE_CAP = 100;

	/** How far back a missed slot of a schedule declared {@code misfire = "run-all"} may be and still run. */
	static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofDays(1);

	private static final String CRON_DISABLED = "-";

	private ScheduleAttributes() {
	}

	/**
	 * Return the declared schedule, or {@code null} if the method declares none (no cron and no
	 * rate, or the cron {@code "-"}).
	 * @throws IllegalArgumentException naming the schedule and the attribute, if one is invalid
	 */
	static @Nullable ScheduleRequest read(String type, @Nullable String name, @Nullable String cron,
			@Nullable Duration fixedRate, @Nullable String zone, @Nullable String misfire, @Nullable String overlap) {
		if (CRON_DISABLED.equals(cron) || (cron == null && fixedRate == null)) {
			return null;
		}
		if (cron != null && fixedRate != null) {
			throw new IllegalArgumentException("it must have only one of cron and fixedRate");
		}
		String schedule = (name != null) ? name : type;
		ScheduleRequest.Builder builder = (cron != null) ? ScheduleRequest.cron(schedule, type, cron)
				: ScheduleRequest.fixedRate(schedule, type, fixedRate);
		if (zone != null) {
			builder.zone(zone(zone));
		}
		if (misfire != null) {
			builder.misfire(misfirePolicy(misfire));
		}
		if (overlap != null) {
			builder.overlap(overlapPolicy(overlap));
		}
		return builder.build();
	}

	private static ZoneId zone(String zone) {
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new IllegalArgumentException("zone '%s' is not a time zone such as UTC or Europe/Berlin".formatted(zone),
					ex);
		}
	}

	private static MisfirePolicy misfirePolicy(String misfire) {
		return switch (constant(misfire)) {
			case "SKIP" -> MisfirePolicy.skip();
			case "RUN_LATEST" -> MisfirePolicy.runLatest();
			case "RUN_ALL" -> MisfirePolicy.runAll(DEFAULT_MISFIRE_CAP, DEFAULT_CATCH_UP_WINDOW);
			default -> throw new IllegalArgumentException(
					"misfire '%s' is none of skip, run-latest and run-all".formatted(misfire));
		};
	}

	private static OverlapPolicy overlapPolicy(String overlap) {
		try {
			return OverlapPolicy.valueOf(constant(overlap));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("overlap '%s' is none of allow, skip and queue-one".formatted(overlap), ex);
		}
	}

	/** Reads a policy as configuration does, so that run-latest, run_latest and RUN_LATEST agree. */
	private static String constant(String value) {
		return value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
	}

}

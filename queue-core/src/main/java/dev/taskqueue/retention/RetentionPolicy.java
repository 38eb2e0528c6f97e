package dev.taskqueue.retention;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

import dev.taskqueue.TaskStatus;

/**
 * How long finished tasks are kept, per final status, with overrides per task type. A period
 * of zero deletes a task as soon as it finished; {@link #KEEP_FOREVER} never deletes it. A
 * finished job is kept for the period of its own status and then deleted with all its tasks,
 * whatever their types. Immutable: each {@code keep} method returns a new policy.
 *
 * @since 0.1.0
 */
public final class RetentionPolicy {

	/** The period that keeps finished tasks forever: {@code -1} (milliseconds). */
	public static final Duration KEEP_FOREVER = Duration.ofMillis(-1);

	/** The longest period other than {@link #KEEP_FOREVER}: 36,500 days. */
	public static final Duration MAX_PERIOD = Duration.ofDays(36_500);

	private static final RetentionPolicy DEFAULTS = new RetentionPolicy(
			periods(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(1)), Map.of());

	private static final RetentionPolicy KEEP_EVERYTHING = new RetentionPolicy(
			periods(KEEP_FOREVER, KEEP_FOREVER, KEEP_FOREVER), Map.of());

	private final Map<TaskStatus, Duration> periods;

	private final Map<String, Map<TaskStatus, Duration>> typePeriods;

	private RetentionPolicy(Map<TaskStatus, Duration> periods, Map<String, Map<TaskStatus, Duration>> typePeriods) {
		this.periods = Collections.unmodifiableMap(periods);
		this.typePeriods = Collections.unmodifiableMap(typePeriods);
	}

	/**
	 * Return the default policy: succeeded tasks are kept for 1 day, failed ones for 7 days,
	 * cancelled ones for 1 day.
	 * @return the default policy
	 */
	public static RetentionPolicy defaults() {
		return DEFAULTS;
	}

	/**
	 * Return the policy that keeps every finished task forever.
	 * @return the policy
	 */
	public static RetentionPolicy keepEverything() {
		return KEEP_EVERYTHING;
	}

	/**
	 * Return a copy of this policy that keeps finished tasks of a status, and jobs that ended
	 * in it, for the given period.
	 * @param status a final status
	 * @param period how long after finishing they are deleted: zero or more, at most
	 * {@link #MAX_PERIOD}, or {@link #KEEP_FOREVER}
	 * @return the new policy
	 * @throws IllegalArgumentException if the status is not final or the period out of range
	 */
	public RetentionPolicy keep(TaskStatus status, Duration period) {
		checkStatus(status);
		checkPeriod(period);
		Map<TaskStatus, Duration> periods = new EnumMap<>(this.periods);
		periods.put(status, period);
		return new RetentionPolicy(periods, this.typePeriods);
	}

	/**
	 * Return a copy of this policy that keeps finished tasks of one type and status for the
	 * given period, whatever the period of the status. Tasks of a job go with their job.
	 * @param type the task type
	 * @param status a final status
	 * @param period how long after finishing they are deleted: zero or more, at most
	 * {@link #MAX_PERIOD}, or {@link #KEEP_FOREVER}
	 * @return the new policy
	 * @throws IllegalArgumentException if the type is empty, the status not final or the
	 * period out of range
	 */
	public RetentionPolicy keep(String type, TaskStatus status, Duration period) {
		Assert.hasText(type, "'type' must not be empty");
		checkStatus(status);
		checkPeriod(period);
		Map<String, Map<TaskStatus, Duration>> typePeriods = new LinkedHashMap<>(this.typePeriods);
		Map<TaskStatus, Duration> periods = new EnumMap<>(TaskStatus.class);
		periods.putAll(typePeriods.getOrDefault(type, Map.of()));
		periods.put(status, period);
		typePeriods.put(type, Collections.unmodifiableMap(periods));
		return new RetentionPolicy(this.periods, typePeriods);
	}

	/**
	 * Return how long finished tasks of a status, and jobs that ended in it, are kept, unless
	 * their type overrides it.
	 * @param status a final status
	 * @return the period, or {@link #KEEP_FOREVER}
	 */
	public Duration period(TaskStatus status) {
		checkStatus(status);
		return this.periods.get(status);
	}

	/**
	 * Return the periods that task types set for a status, by type.
	 * @param status a final status
	 * @return the periods of the types that override the status's period
	 */
	public Map<String, Duration> overrides(TaskStatus status) {
		checkStatus(status);
		Map<String, Duration> overrides = new LinkedHashMap<>();
		this.typePeriods.forEach((type, periods) -> {
			Duration period = periods.get(status);
			if (period != null) {
				overrides.put(type, period);
			}
		});
		return overrides;
	}

	/**
	 * Return whether this policy ever deletes anything.
	 * @return {@code false} if every period keeps tasks forever
	 */
	public boolean deletesAnything() {
		return this.periods.values().stream().anyMatch((period) -> !isForever(period))
				|| this.typePeriods.values()
					.stream()
					.flatMap((periods) -> periods.values().stream())
					.anyMatch((period) -> !isForever(period));
	}

	/**
	 * Return whether a period keeps tasks forever.
	 * @param period the period
	 * @return whether it is {@link #KEEP_FOREVER}
	 */
	public static boolean isForever(Duration period) {
		return KEEP_FOREVER.equals(period);
	}

	@Override
	public String toString() {
		return "RetentionPolicy " + this.periods + ((!this.typePeriods.isEmpty()) ? " types " + this.typePeriods : "");
	}

	private static void checkStatus(TaskStatus status) {
		Assert.isTrue(status.isFinished(), () -> "Status " + status + " is not final: only SUCCEEDED, FAILED and "
				+ "CANCELLED tasks are deleted");
	}

	private static void checkPeriod(Duration period) {
		Assert.isTrue(isForever(period) || (!period.isNegative() && period.compareTo(MAX_PERIOD) <= 0),
				() -> "Retention period " + period + " must be zero or more and at most " + MAX_PERIOD.toDays()
						+ " days, or -1 to keep forever");
	}

	private static Map<TaskStatus, Duration> periods(Duration succeeded, Duration failed, Duration cancelled) {
		Map<TaskStatus, Duration> periods = new EnumMap<>(TaskStatus.class);
		periods.put(TaskStatus.SUCCEEDED, succeeded);
		periods.put(TaskStatus.FAILED, failed);
		periods.put(TaskStatus.CANCELLED, cancelled);
		return periods;
	}

}

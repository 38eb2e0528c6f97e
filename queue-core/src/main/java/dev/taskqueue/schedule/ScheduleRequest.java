package dev.taskqueue.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.Assert;

/**
 * What a schedule fires: a task of a type, with a payload, on a cron expression or at a fixed
 * rate, in a time zone. Declared in code and configuration, or passed to
 * {@link TaskSchedules#create} and {@link TaskSchedules#update}.
 * <p>
 * Building validates what can be checked without the database: exactly one of cron and fixed
 * rate, a cron expression Spring's {@link CronExpression} parses (macros such as
 * {@code @daily} included), a positive rate of whole milliseconds. Errors name the schedule
 * and the property.
 *
 * @param name the schedule's name, unique in the cluster
 * @param type the task type each slot's task has
 * @param payload the payload of each task, serialized as JSON, or {@code null}
 * @param queue the queue, or {@code null} for the type's queue
 * @param priority the priority, or {@code null} for the type's priority
 * @param cron the cron expression, or {@code null} with a fixed rate
 * @param fixedRate the time between slots, a whole number of milliseconds, or {@code null}
 * with a cron expression; slots fall at the schedule's creation (to the second) and every
 * {@code fixedRate} after it
 * @param zone the zone the cron expression is read in, UTC unless set, so that every node
 * agrees on the slots whatever its own zone
 * @param paused whether the schedule is created paused
 * @param misfire what to do with slots missed while no node ran
 * @param overlap what to do when a slot is due while an earlier slot's task is unfinished
 * @since 0.1.0
 */
public record ScheduleRequest(String name, String type, @Nullable Object payload, @Nullable String queue,
		@Nullable Integer priority, @Nullable String cron, @Nullable Duration fixedRate, ZoneId zone, boolean paused,
		MisfirePolicy misfire, OverlapPolicy overlap) {

	/** The longest schedule name. */
	public static final int MAX_NAME_LENGTH = 200;

	public ScheduleRequest {
		Assert.isTrue(name != null && !name.isBlank() && name.length() <= MAX_NAME_LENGTH,
				() -> "'name' of a schedule must not be empty or longer than " + MAX_NAME_LENGTH + " characters");
		Assert.isTrue(type != null && !type.isBlank(), () -> "'type' of schedule '" + name + "' must not be empty");
		Assert.isTrue(queue == null || !queue.isBlank(), () -> "'queue' of schedule '" + name + "' must not be blank");
		Assert.isTrue((cron == null) != (fixedRate == null),
				() -> "Schedule '" + name + "' must have exactly one of 'cron' and 'fixed-rate'");
		if (cron != null) {
			try {
				CronExpression.parse(cron);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"'cron' of schedule '" + name + "' is invalid: '" + cron + "': " + ex.getMessage(), ex);
			}
		}
		Assert.isTrue(fixedRate == null || (!fixedRate.isNegative() && !fixedRate.isZero()
				&& fixedRate.equals(fixedRate.truncatedTo(ChronoUnit.MILLIS))),
				() -> "'fixed-rate' of schedule '" + name + "' must be a positive whole number of milliseconds");
		Assert.notNull(zone, () -> "'zone' of schedule '" + name + "' must not be null");
		Assert.notNull(misfire, () -> "'misfire' of schedule '" + name + "' must not be null");
		Assert.notNull(overlap, () -> "'overlap' of schedule '" + name + "' must not be null");
	}

	/**
	 * Start building a schedule that fires tasks of the given type on a cron expression.
	 * @param name the schedule's name
	 * @param type the task type
	 * @param cron the cron expression, in Spring's {@link CronExpression} syntax
	 * @return a builder
	 */
	public static Builder cron(String name, String type, String cron) {
		return new Builder(name, type, cron, null);
	}

	/**
	 * Start building a schedule that fires tasks of the given type at a fixed rate.
	 * @param name the schedule's name
	 * @param type the task type
	 * @param rate the time between slots
	 * @return a builder
	 */
	public static Builder fixedRate(String name, String type, Duration rate) {
		return new Builder(name, type, null, rate);
	}

	/**
	 * Builds a {@link ScheduleRequest}.
	 */
	public static final class Builder {

		private final String name;

		private final String type;

		private final @Nullable String cron;

		private final @Nullable Duration fixedRate;

		private @Nullable Object payload;

		private @Nullable String queue;

		private @Nullable Integer priority;

		private ZoneId zone = ZoneOffset.UTC;

		private boolean paused;

		private MisfirePolicy misfire = MisfirePolicy.runLatest();

		private OverlapPolicy overlap = OverlapPolicy.ALLOW;

		private Builder(String name, String type, @Nullable String cron, @Nullable Duration fixedRate) {
			this.name = name;
			this.type = type;
			this.cron = cron;
			this.fixedRate = fixedRate;
		}

		/**
		 * Set the payload of each slot's task, serialized to JSON.
		 * @param payload the payload
		 * @return this builder
		 */
		public Builder payload(@Nullable Object payload) {
			this.payload = payload;
			return this;
		}

		/**
		 * Put the tasks on the given queue instead of their type's queue.
		 * @param queue the queue name
		 * @return this builder
		 */
		public Builder queue(@Nullable String queue) {
			this.queue = queue;
			return this;
		}

		/**
		 * Set the tasks' priority within their queue.
		 * @param priority the priority
		 * @return this builder
		 */
		public Builder priority(@Nullable Integer priority) {
			this.priority = priority;
			return this;
		}

		/**
		 * Read the cron expression in the given zone instead of UTC.
		 * @param zone the zone
		 * @return this builder
		 */
		public Builder zone(ZoneId zone) {
			this.zone = zone;
			return this;
		}

		/**
		 * Create the schedule paused, or active (the default).
		 * @param paused whether it is paused
		 * @return this builder
		 */
		public Builder paused(boolean paused) {
			this.paused = paused;
			return this;
		}

		/**
		 * Set what to do with missed slots, {@link MisfirePolicy#runLatest()} unless set.
		 * @param misfire the policy
		 * @return this builder
		 */
		public Builder misfire(MisfirePolicy misfire) {
			this.misfire = misfire;
			return this;
		}

		/**
		 * Set what to do when an earlier slot's task is unfinished, {@link OverlapPolicy#ALLOW}
		 * unless set.
		 * @param overlap the policy
		 * @return this builder
		 */
		public Builder overlap(OverlapPolicy overlap) {
			this.overlap = overlap;
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 * @throws IllegalArgumentException naming the schedule and the property, if a value is
		 * invalid
		 */
		public ScheduleRequest build() {
			return new ScheduleRequest(this.name, this.type, this.payload, this.queue, this.priority, this.cron,
					this.fixedRate, this.zone, this.paused, this.misfire, this.overlap);
		}

	}

}

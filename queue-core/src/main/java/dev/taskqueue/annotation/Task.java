package dev.taskqueue.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a public bean method as the handler of a task type.
 * <p>
 * The method takes at most one payload parameter, of any type Jackson binds (a record, a POJO,
 * a {@code Map}, a {@code String}, a {@code JsonNode}), and optionally a
 * {@link dev.taskqueue.TaskContext}. Its return value, if any, is stored as the task's JSON
 * result; an exception fails the attempt.
 * <pre class="code">
 * &#064;Task("email.send")
 * public Receipt send(Email email, TaskContext context) { ... }
 * </pre>
 * Configuration under {@code taskqueue.types.<type>.*} overrides the options declared here.
 * String attributes accept {@code ${...}} placeholders.
 * <p>
 * A {@link #cron()} or {@link #fixedRate()} also declares a schedule that fires a task of this
 * type, without a payload, on every slot:
 * <pre class="code">
 * &#064;Task(type = "report.nightly", cron = "0 0 2 * * *", zone = "Europe/Berlin")
 * public void nightlyReport(TaskContext context) { ... }
 * </pre>
 * Configuration under {@code taskqueue.schedules.<schedule>.*} overrides what is declared here,
 * property by property.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Task {

	/**
	 * Alias for {@link #type()}.
	 * @return the task type
	 */
	@AliasFor("type")
	String value() default "";

	/**
	 * The task type this method runs.
	 * @return the task type
	 */
	@AliasFor("value")
	String type() default "";

	/**
	 * A human label for the type.
	 * @return the label, or empty for the type name
	 */
	String name() default "";

	/**
	 * The queue tasks of this type run on.
	 * @return the queue, or empty for the default
	 */
	String queue() default "";

	/**
	 * The priority of tasks of this type within their queue, higher first.
	 * @return the priority as a number, or empty for the default
	 */
	String priority() default "";

	/**
	 * How long one attempt may run, as a duration ({@code 30s}, {@code 5m}, {@code PT1H}).
	 * @return the timeout, or empty for the default
	 */
	String timeout() default "";

	/**
	 * How long a claim holds a running task without being renewed, as a duration; the worker
	 * renews it while the task runs, and another node takes the task back once it lapses.
	 * @return the heartbeat, or empty for the default (30s)
	 */
	String heartbeat() default "";

	/**
	 * How many times a failed task runs again, as a number.
	 * @return the retries, or empty for the default (3)
	 */
	String retries() default "";

	/**
	 * The wait before the first retry, as a duration.
	 * @return the delay, or empty for the default (10s)
	 */
	String retryDelay() default "";

	/**
	 * The factor each further retry's wait grows by, as a number of at least 1 (1 for a fixed
	 * delay).
	 * @return the backoff, or empty for the default (2)
	 */
	String retryBackoff() default "";

	/**
	 * The longest wait between attempts, as a duration.
	 * @return the maximum delay, or empty for the default (1h)
	 */
	String retryMaxDelay() default "";

	/**
	 * How much each wait may shift at random, as a fraction of it from 0 to 1.
	 * @return the jitter, or empty for the default (0.1)
	 */
	String retryJitter() default "";

	/**
	 * Exception types that fail the task at once, whatever retries it has left; their
	 * subclasses, and exceptions they caused, too.
	 * @return the exception types
	 * @see dev.taskqueue.NonRetryableException
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

	/**
	 * The name of the schedule that {@link #cron()} or {@link #fixedRate()} declares.
	 * @return the schedule name, or empty for the task type
	 */
	String schedule() default "";

	/**
	 * A cron expression in Spring's {@link org.springframework.scheduling.support.CronExpression}
	 * syntax (macros such as {@code @daily} included) that declares a schedule of this type;
	 * {@code "-"} declares none, so that a placeholder can turn the schedule off.
	 * @return the cron expression, or empty for none
	 */
	String cron() default "";

	/**
	 * The time between the slots of a schedule of this type, as a duration ({@code 10s},
	 * {@code 5m}, {@code PT1H}), instead of a {@link #cron()} expression.
	 * @return the rate, or empty for none
	 */
	String fixedRate() default "";

	/**
	 * The time zone the {@link #cron()} expression is read in, such as {@code Europe/Berlin}.
	 * @return the zone id, or empty for UTC
	 */
	String zone() default "";

	/**
	 * What the schedule does with the slots it missed while no node ran: {@code skip},
	 * {@code run-latest} or {@code run-all} (the latest 100 of them within a day, unless
	 * {@code taskqueue.schedules.<schedule>.misfire-cap} and {@code catch-up-window} say
	 * otherwise).
	 * @return the misfire policy, or empty for the default ({@code run-latest})
	 * @see dev.taskqueue.schedule.MisfirePolicy
	 */
	String misfire() default "";

	/**
	 * What the schedule does when a slot is due while an earlier slot's task is unfinished:
	 * {@code allow}, {@code skip} or {@code queue-one}.
	 * @return the overlap policy, or empty for the default ({@code allow})
	 * @see dev.taskqueue.schedule.OverlapPolicy
	 */
	String overlap() default "";

}

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
 * Configuration under {@code queue.types.<type>.*} overrides the options declared here.
 * String attributes accept {@code ${...}} placeholders.
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

}

package dev.taskqueue.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a public bean method as a daemon: a long-running loop that runs on exactly one node
 * of the cluster at a time. The method takes a single {@link dev.taskqueue.daemon.DaemonContext}
 * and loops until the context says to stop; if it returns or throws while the daemon should
 * run, it is called again after a backoff.
 * <pre class="code">
 * &#064;Daemon("inbox-watcher")
 * public void watch(DaemonContext context) {
 *     while (!context.awaitStop(Duration.ofSeconds(5))) {
 *         inbox.poll();
 *     }
 * }
 * </pre>
 * {@code taskqueue.daemons.<name>.auto-start} overrides {@link #autoStart()}. String
 * attributes accept {@code ${...}} placeholders.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Daemon {

	/**
	 * Alias for {@link #name()}.
	 * @return the daemon's name
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The daemon's name, unique in the application.
	 * @return the daemon's name
	 */
	@AliasFor("value")
	String name() default "";

	/**
	 * Whether the daemon runs without being started through
	 * {@link dev.taskqueue.daemon.TaskDaemons}, as {@code true} or {@code false}. It sets the
	 * desired state of a daemon the database does not know yet; once known, a daemon keeps the
	 * state it was last started or stopped in.
	 * @return whether it starts on its own, or empty for the default ({@code true})
	 */
	String autoStart() default "";

}

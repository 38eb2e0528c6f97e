package dev.taskqueue.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;

import dev.taskqueue.node.RunLimit;

/**
 * Ends the application once its node has reached a run limit
 * ({@code taskqueue.worker.max-tasks}, {@code taskqueue.worker.max-runtime} or
 * {@code taskqueue.worker.memory-limit}) and finished its tasks, so that a process manager
 * starts a fresh one. The auto-configured one closes the context with
 * {@link SpringApplication#exit}, whose exit code is then {@link #EXIT_CODE}, and ends the JVM
 * with that code. Define a bean of this type to end it otherwise.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TaskQueueApplicationExit {

	/**
	 * The exit code of an application whose node reached a run limit: 75, {@code EX_TEMPFAIL}
	 * of {@code sysexits.h}, a temporary condition after which the process may be started
	 * again.
	 */
	int EXIT_CODE = 75;

	/**
	 * End the application.
	 * @param context the application's context
	 * @param limit the limit its node reached
	 */
	void exit(ApplicationContext context, RunLimit limit);

}

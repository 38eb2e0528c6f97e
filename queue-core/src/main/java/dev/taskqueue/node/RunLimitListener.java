package dev.taskqueue.node;

/**
 * Told when a node has reached a {@link RunLimit} and has no task left running: it claims
 * nothing more, and is ready to be stopped. Called once, on a thread of its own, so that it
 * may stop the engine or the application.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RunLimitListener {

	/**
	 * Called once the node has reached a limit and finished its tasks.
	 * @param limit the limit reached
	 */
	void limitReached(RunLimit limit);

}

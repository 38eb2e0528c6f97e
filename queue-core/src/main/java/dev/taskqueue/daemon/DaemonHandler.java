package dev.taskqueue.daemon;

/**
 * The body of a daemon: a loop that runs until its context says to stop. Returning or
 * throwing while the daemon should still run counts as a crash: the method is called again
 * after a backoff.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DaemonHandler {

	/**
	 * Run the daemon until {@link DaemonContext#isStopping()}.
	 * @param context the daemon's context
	 * @throws Exception on failure, recorded as the daemon's last error
	 */
	void run(DaemonContext context) throws Exception;

}

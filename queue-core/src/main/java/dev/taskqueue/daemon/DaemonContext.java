package dev.taskqueue.daemon;

import java.time.Duration;

/**
 * What a running daemon is told: its name, the node it runs on, and when to stop. A daemon's
 * method loops until {@link #isStopping()}; it is stopped when its node stops, when it is
 * stopped or restarted from any node, and when its node loses its lease. Stopping also
 * interrupts the daemon's thread, so that blocking calls end early.
 * <pre class="code">
 * &#064;Daemon("inbox-watcher")
 * public void watch(DaemonContext context) {
 *     while (!context.awaitStop(Duration.ofSeconds(5))) {
 *         inbox.poll();
 *         context.heartbeat();
 *     }
 * }
 * </pre>
 *
 * @since 0.1.0
 */
public interface DaemonContext {

	/**
	 * Return the daemon's name.
	 * @return the name
	 */
	String name();

	/**
	 * Return the id of the node that runs the daemon (its worker id).
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Return whether the daemon should stop: its method should return soon.
	 * @return whether to stop
	 */
	boolean isStopping();

	/**
	 * Wait until the daemon should stop, or the timeout passes, whichever comes first: a sleep
	 * that ends early on stop. An interrupt ends the wait too, and is kept on the thread.
	 * @param timeout how long to wait at most
	 * @return whether the daemon should stop
	 */
	boolean awaitStop(Duration timeout);

	/**
	 * Tell the cluster that the daemon is alive: records the time as its last heartbeat, shown
	 * by {@link TaskDaemons#list()}, and renews its lease at once. The node renews the lease on
	 * its own while the daemon runs; a daemon calls this to show that its loop makes progress.
	 * Written at most once a second: calls in between do nothing. Never throws: a heartbeat
	 * that cannot be written is logged, and a lease found lost stops the daemon.
	 */
	void heartbeat();

}

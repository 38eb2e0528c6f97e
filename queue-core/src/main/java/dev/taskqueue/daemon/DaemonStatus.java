package dev.taskqueue.daemon;

/**
 * What a daemon is doing, as the cluster sees it.
 *
 * @since 0.1.0
 */
public enum DaemonStatus {

	/** It should run, and its method runs on the node holding its lease. */
	RUNNING,

	/** It should run, and its method ended: it is restarted on the same node after a backoff. */
	BACKING_OFF,

	/**
	 * It should run, but no node holds an unexpired lease on it: no node that declares it
	 * runs, or the node that ran it died and another takes it within a poll.
	 */
	WAITING,

	/** It was stopped, and its node has not yet seen it or its method has not yet returned. */
	STOPPING,

	/** It was stopped (or declared not to start), and runs nowhere. */
	STOPPED

}

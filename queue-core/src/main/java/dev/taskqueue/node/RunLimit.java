package dev.taskqueue.node;

/**
 * A limit after which a node stops claiming tasks, finishes those it holds, and tells its
 * {@link RunLimitListener}, so that a process manager can start a fresh process in its place.
 *
 * @since 0.1.0
 */
public enum RunLimit {

	/** The node has claimed as many tasks as it may. */
	MAX_TASKS("taskqueue.worker.max-tasks"),

	/** The node has run for as long as it may. */
	MAX_RUNTIME("taskqueue.worker.max-runtime"),

	/** The heap in use after a task ended reached the node's memory limit. */
	MEMORY_LIMIT("taskqueue.worker.memory-limit"),

	/**
	 * Another node took over this node's worker id while this node's heartbeat had lapsed (a
	 * long pause, or the database out of reach for longer than the node expiry): two nodes
	 * must not work under one id, so this one gives way.
	 */
	WORKER_ID_TAKEN("taskqueue.worker.id");

	private final String property;

	RunLimit(String property) {
		this.property = property;
	}

	/**
	 * Return the configuration property that sets this limit.
	 * @return the property name
	 */
	public String property() {
		return this.property;
	}

}

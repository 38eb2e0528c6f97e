package dev.taskqueue.node;

/**
 * A limit after which a node stops claiming tasks, finishes those it holds, and tells its
 * {@link RunLimitListener}, so that a process manager can start a fresh process in its place.
 *
 * @since 0.1.0
 */
public enum RunLimit {

	/** The node has claimed as many tasks as it may. */
	MAX_TASKS("taskqueue.worker.max-tasks", "reached its limit"),

	/** The node has run for as long as it may. */
	MAX_RUNTIME("taskqueue.worker.max-runtime", "reached its limit"),

	/** The heap in use after a task ended reached the node's memory limit. */
	MEMORY_LIMIT("taskqueue.worker.memory-limit", "reached its limit"),

	/**
	 * Another node took over this node's worker id while this node's heartbeat had lapsed (a
	 * long pause, or the database out of reach for longer than the node expiry): two nodes
	 * must not work under one id, so this one gives way.
	 */
	WORKER_ID_TAKEN("taskqueue.worker.id", "lost its id to another node while its heartbeat had lapsed");

	private final String property;

	private final String outcome;

	RunLimit(String property, String outcome) {
		this.property = property;
		this.outcome = outcome;
	}

	/**
	 * Return the configuration property that sets this limit.
	 * @return the property name
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Describe what happened to the node, with the property, for a log line.
	 * @return for example {@code reached its limit (taskqueue.worker.max-tasks)}
	 */
	public String describe() {
		return this.outcome + " (" + this.property + ")";
	}

}

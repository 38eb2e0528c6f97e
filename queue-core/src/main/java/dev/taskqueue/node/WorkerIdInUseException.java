package dev.taskqueue.node;

/**
 * Thrown when a node starts with the worker id of a live node: a worker id is held by one live
 * node at a time, and can be reused once its holder's heartbeat has lapsed.
 *
 * @since 0.1.0
 */
public class WorkerIdInUseException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final transient NodeInfo holder;

	/**
	 * Create an exception.
	 * @param holder the live node that holds the id
	 */
	public WorkerIdInUseException(NodeInfo holder) {
		super("Worker id '" + holder.id() + "' is in use by a live node: host " + holder.host() + ", pid "
				+ holder.pid() + ", started at " + holder.startedAt() + ", last heartbeat " + holder.lastHeartbeat()
				+ ", expiring at " + holder.expiresAt() + ". Stop that node or give this one another id "
				+ "(taskqueue.worker.id); the id can be reused once that node's heartbeat has lapsed");
		this.holder = holder;
	}

	/**
	 * Return the live node that holds the id.
	 * @return the node
	 */
	public NodeInfo getHolder() {
		return this.holder;
	}

}

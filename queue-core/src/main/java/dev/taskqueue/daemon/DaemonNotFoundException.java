package dev.taskqueue.daemon;

import dev.taskqueue.TaskQueueException;

/**
 * Thrown when a daemon named by the caller is not known to the database: no node that
 * declares it has started yet.
 *
 * @since 0.1.0
 */
public class DaemonNotFoundException extends TaskQueueException {

	private final String daemonName;

	public DaemonNotFoundException(String daemonName) {
		super("Daemon '" + daemonName + "' not found");
		this.daemonName = daemonName;
	}

	/**
	 * Return the name of the daemon that was not found.
	 * @return the daemon name
	 */
	public String getDaemonName() {
		return this.daemonName;
	}

}

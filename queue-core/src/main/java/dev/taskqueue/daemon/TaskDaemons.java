package dev.taskqueue.daemon;

import java.util.List;
import java.util.Optional;

/**
 * Lists and controls the cluster's daemons from any node. A change is written to the
 * database, and the node holding the daemon sees it within one daemon poll interval.
 * Stopped and started states are kept across restarts of the cluster.
 *
 * @since 0.1.0
 */
public interface TaskDaemons {

	/**
	 * Return every daemon the database knows, by name.
	 * @return the daemons
	 */
	List<DaemonState> list();

	/**
	 * Return one daemon.
	 * @param name the daemon's name
	 * @return the daemon, if known
	 */
	Optional<DaemonState> find(String name);

	/**
	 * Ask for a daemon to run: a node that declares it takes its lease within a poll. Does
	 * nothing to a daemon that runs.
	 * @param name the daemon's name
	 * @throws DaemonNotFoundException if the daemon is not known
	 */
	void start(String name);

	/**
	 * Ask for a daemon to stop: its node tells it to stop within a poll, and no node runs it
	 * until it is started again.
	 * @param name the daemon's name
	 * @throws DaemonNotFoundException if the daemon is not known
	 */
	void stop(String name);

	/**
	 * Ask for a daemon to stop and run anew, without backoff, on whichever node takes its
	 * lease first; a stopped daemon is started.
	 * @param name the daemon's name
	 * @throws DaemonNotFoundException if the daemon is not known
	 */
	void restart(String name);

}

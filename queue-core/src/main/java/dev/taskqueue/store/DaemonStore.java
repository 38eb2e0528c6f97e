package dev.taskqueue.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The daemons' rows: their leases, taken by compare-and-set so that one node at a time holds
 * each, and the desired state that operators set from any node.
 *
 * @since 0.1.0
 */
public interface DaemonStore {

	/**
	 * Return every daemon's row, by name.
	 * @return the rows
	 */
	List<DaemonRow> list();

	/**
	 * Return one daemon's row.
	 * @param name the daemon's name
	 * @return the row, if the daemon is known
	 */
	Optional<DaemonRow> find(String name);

	/**
	 * Create a daemon's row unless it exists; an existing row keeps its desired state.
	 * @param name the daemon's name
	 * @param started whether a new row should run
	 */
	void declare(String name, boolean started);

	/**
	 * Take a daemon's lease, if it should run, its version is still the given one, and no
	 * other node holds an unexpired lease on it.
	 * @param name the daemon's name
	 * @param version the version the row was read at
	 * @param node this node
	 * @param now the database's time
	 * @param leaseUntil when the lease lapses unless renewed
	 * @return whether this node now holds the lease
	 */
	boolean acquire(String name, long version, String node, Instant now, Instant leaseUntil);

	/**
	 * Renew a lease this node holds.
	 * @param name the daemon's name
	 * @param node this node
	 * @param leaseUntil the new end of the lease
	 * @param heartbeat the time to record as the daemon's heartbeat, or {@code null} to keep it
	 * @return whether this node still held the lease
	 */
	boolean renew(String name, String node, Instant leaseUntil, @Nullable Instant heartbeat);

	/**
	 * Record that a daemon's method ended while it should run, and waits to be restarted.
	 * @param name the daemon's name
	 * @param node this node
	 * @param error the error it ended with, or {@code null} if it returned
	 */
	void ended(String name, String node, @Nullable String error);

	/**
	 * Record that a daemon's method started again.
	 * @param name the daemon's name
	 * @param node this node
	 * @param now the database's time
	 */
	void restarted(String name, String node, Instant now);

	/**
	 * Give up a lease this node holds, so that another node may take it at once.
	 * @param name the daemon's name
	 * @param node this node
	 */
	void release(String name, String node);

	/**
	 * Ask for a daemon to run.
	 * @param name the daemon's name
	 * @return whether the daemon is known
	 */
	boolean start(String name);

	/**
	 * Ask for a daemon to stop.
	 * @param name the daemon's name
	 * @param now the database's time
	 * @return whether the daemon is known
	 */
	boolean stop(String name, Instant now);

	/**
	 * Ask for a daemon to stop and run anew.
	 * @param name the daemon's name
	 * @return whether the daemon is known
	 */
	boolean restart(String name);

}

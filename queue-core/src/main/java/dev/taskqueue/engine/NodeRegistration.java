package dev.taskqueue.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.WorkerIdInUseException;
import dev.taskqueue.store.jdbc.JdbcNodeStore;

/**
 * A node's row in the registry, from its start to its stop: registered under the node's id,
 * refused while a live node holds that id and taken over once its heartbeat has lapsed,
 * renewed every heartbeat interval, and deleted on a clean stop. Each heartbeat also deletes
 * the rows of dead nodes. Times are the database's. A node whose row was taken over while its
 * heartbeat had lapsed is told so, once, and heartbeats no more: two nodes must not work under
 * one id.
 */
final class NodeRegistration {

	private static final Log logger = LogFactory.getLog(NodeRegistration.class);

	/** How often registering tries again when the row it found was deleted meanwhile. */
	private static final int MAX_ATTEMPTS = 3;

	private static final String HOST = hostName();

	private final JdbcNodeStore store;

	private final String id;

	private final String instance = UUID.randomUUID().toString();

	private final List<NodeInfo.Lane> lanes;

	private final Duration interval;

	private final Duration expiry;

	private final Clock clock;

	private final IntSupplier tasksRunning;

	private final Runnable onIdTaken;

	private boolean failing;

	private boolean deregistered;

	private boolean taken;

	NodeRegistration(JdbcNodeStore store, String id, List<NodeInfo.Lane> lanes, Duration interval, Duration expiry,
			Clock clock, IntSupplier tasksRunning, Runnable onIdTaken) {
		this.store = store;
		this.id = id;
		this.lanes = lanes;
		this.interval = interval;
		this.expiry = expiry;
		this.clock = clock;
		this.tasksRunning = tasksRunning;
		this.onIdTaken = onIdTaken;
	}

	/**
	 * Register the node: insert its row, or take over the row of a dead node with its id.
	 * @throws WorkerIdInUseException if a live node holds the id
	 */
	void register() {
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			Instant now = this.clock.instant();
			NodeInfo node = new NodeInfo(this.id, HOST, ProcessHandle.current().pid(), now, this.lanes, 0, this.interval,
					now, now.plus(this.expiry));
			if (this.store.insert(node, this.instance) || this.store.takeOver(node, this.instance, now)) {
				return;
			}
			Optional<NodeInfo> holder = this.store.find(this.id);
			if (holder.isPresent() && !holder.get().expiresAt().isBefore(this.clock.instant())) {
				throw new WorkerIdInUseException(holder.get());
			}
			// Deleted or lapsed since the insert: try again
		}
		throw new IllegalStateException("Could not register worker id '" + this.id + "': its holder's row was deleted "
				+ "or lapsed while this node registered, " + MAX_ATTEMPTS + " times");
	}

	/**
	 * Record a heartbeat, registering again if the row was lost, and delete dead nodes.
	 * Synchronized with {@link #deregister()}, so that a heartbeat under way when the node
	 * stops does not register it again.
	 */
	synchronized void heartbeat() {
		if (this.deregistered || this.taken) {
			return;
		}
		try {
			Instant now = this.clock.instant();
			if (!this.store.heartbeat(this.id, this.instance, this.tasksRunning.getAsInt(), now, now.plus(this.expiry))
					&& !registerAgain()) {
				return;
			}
			int dead = this.store.deleteExpired(now);
			if (dead > 0) {
				logger.info("Deleted the registration of " + dead + " dead node" + ((dead > 1) ? "s" : ""));
			}
			this.failing = false;
		}
		catch (RuntimeException ex) {
			String message = "Could not record the heartbeat of worker id '" + this.id + "': " + ex.getMessage();
			if (this.failing) {
				logger.debug(message, ex);
			}
			else {
				logger.warn(message, ex);
			}
			this.failing = true;
		}
	}

	/**
	 * Register again after the row was lost; if another live node holds the id by now, give
	 * way to it.
	 * @return whether the node is registered again
	 */
	private boolean registerAgain() {
		logger.warn("The registration of worker id '" + this.id + "' was lost, its heartbeat having lapsed for longer"
				+ " than " + this.expiry + "; registering again");
		try {
			register();
			return true;
		}
		catch (WorkerIdInUseException ex) {
			logger.error("Worker id '" + this.id + "' was taken over by another node while this node's heartbeat "
					+ "had lapsed; this node stops claiming and gives way. " + ex.getMessage());
			this.taken = true;
			this.onIdTaken.run();
			return false;
		}
	}

	/**
	 * Delete the node's row, unless another node took it over.
	 */
	synchronized void deregister() {
		this.deregistered = true;
		try {
			this.store.delete(this.id, this.instance);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the registration of worker id '" + this.id
					+ "'; it expires once its heartbeat has lapsed for " + this.expiry, ex);
		}
	}

	/**
	 * Return the name of the host this node runs on.
	 * @return the host name, or {@code localhost} if it cannot be told
	 */
	static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}

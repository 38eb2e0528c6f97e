package dev.taskqueue.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.DaemonRow;
import dev.taskqueue.store.DaemonStore;

/**
 * Runs this node's share of the cluster's daemons. Each {@link #poll()} reads every daemon's
 * row in one query; it stops the local daemons that were stopped or restarted from any node or
 * whose lease another node took, renews the leases of the others once a third of a lease has
 * passed, and takes the lease of each declared daemon that should run and that no node holds,
 * by a compare-and-set on the database's clock. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class DaemonSupervisor {

	private static final Log logger = LogFactory.getLog(DaemonSupervisor.class);

	private final DaemonRegistry registry;

	private final DaemonRun.Settings settings;

	private final TaskDaemons control;

	private final Map<String, DaemonRun> runs = new ConcurrentHashMap<>();

	private List<DaemonDefinition> definitions = List.of();

	private boolean running;

	private @Nullable ScheduledExecutorService watchdog;

	private boolean failing;

	/**
	 * Create a supervisor.
	 * @param registry the declared daemons
	 * @param store the store
	 * @param clock the database's clock
	 * @param nodeId this node's id, recorded as the holder of the leases it takes
	 * @param lease how long a lease lasts unless renewed
	 * @param minRestartDelay the backoff after a first crash
	 * @param maxRestartDelay the longest backoff
	 */
	public DaemonSupervisor(DaemonRegistry registry, DaemonStore store, Clock clock, String nodeId, Duration lease,
			Duration minRestartDelay, Duration maxRestartDelay) {
		this.registry = registry;
		this.settings = new DaemonRun.Settings(store, clock, nodeId, lease, minRestartDelay, maxRestartDelay);
		this.control = new DaemonControl(store, clock);
	}

	/**
	 * Return the API that lists and controls the cluster's daemons.
	 * @return the daemons API
	 */
	public TaskDaemons control() {
		return this.control;
	}

	/**
	 * Check the declared daemons and create the rows of those the database does not know yet.
	 * @return whether any daemon is declared
	 * @throws IllegalStateException if a daemon is configured but not declared
	 */
	public synchronized boolean declare() {
		this.definitions = this.registry.definitions();
		this.definitions.forEach((daemon) -> this.settings.store().declare(daemon.name(), daemon.autoStart()));
		return !this.definitions.isEmpty();
	}

	/**
	 * Start running daemons, and a watchdog thread of its own that stops the local daemons
	 * whose lease went unrenewed: apart from the node's scheduler, whose threads a hanging
	 * database may hold.
	 * @param checkInterval how often the watchdog looks
	 */
	public synchronized void start(Duration checkInterval) {
		this.running = true;
		ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "taskqueue-daemon-watchdog");
			thread.setDaemon(true);
			return thread;
		});
		watchdog.scheduleWithFixedDelay(this::expireUnrenewed, checkInterval.toNanos(), checkInterval.toNanos(),
				TimeUnit.NANOSECONDS);
		this.watchdog = watchdog;
	}

	/**
	 * Look for changes and leases to take, and renew the leases held.
	 */
	public synchronized void poll() {
		if (!this.running) {
			return;
		}
		this.runs.values().removeIf((run) -> !run.isAlive());
		try {
			Instant now = this.settings.clock().instant();
			Map<String, DaemonRow> rows = this.settings.store()
				.list()
				.stream()
				.collect(Collectors.toMap(DaemonRow::name, Function.identity()));
			this.runs.values().forEach((run) -> follow(run, rows.get(run.name())));
			this.runs.values().forEach(DaemonRun::renewIfDue);
			for (DaemonDefinition daemon : this.definitions) {
				if (!this.runs.containsKey(daemon.name())) {
					takeIfFree(daemon, rows.get(daemon.name()), now);
				}
			}
			if (this.failing) {
				logger.info("Daemon polls work again");
				this.failing = false;
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("Could not poll the daemons; leases held are renewed while the database allows: " + ex);
				this.failing = true;
			}
			this.runs.values().forEach(DaemonRun::renewIfDue);
		}
	}

	/**
	 * Stop the local daemons whose lease went unrenewed for too long. Touches no database, and
	 * waits for no poll, so that a poll hanging on an unreachable database delays nothing.
	 */
	private void expireUnrenewed() {
		this.runs.values().forEach(DaemonRun::expireIfUnrenewed);
	}

	private void follow(DaemonRun run, @Nullable DaemonRow row) {
		if (row == null || !this.settings.nodeId().equals(row.holder())) {
			run.lost("its lease is held by " + ((row != null) ? row.holder() : "no node"));
		}
		else if (!row.started()) {
			run.stop("it was stopped");
		}
		else if (row.version() != run.version()) {
			run.stop("it was restarted");
		}
	}

	private void takeIfFree(DaemonDefinition daemon, @Nullable DaemonRow row, Instant now) {
		if (row == null) {
			// Deleted under the running cluster: declared again, with its auto-start
			this.settings.store().declare(daemon.name(), daemon.autoStart());
			return;
		}
		if (!row.started() || (row.isHeld(now) && !this.settings.nodeId().equals(row.holder()))) {
			return;
		}
		long sent = System.nanoTime();
		if (this.settings.store()
			.acquire(daemon.name(), row.version(), this.settings.nodeId(), now, now.plus(this.settings.lease()))) {
			DaemonRun run = new DaemonRun(daemon, row.version(), sent, this.settings);
			this.runs.put(daemon.name(), run);
			run.start();
		}
	}

	/**
	 * Stop the daemons that run on this node and wait for them, up to a timeout, to release
	 * their leases, so that other nodes take them at once. A daemon that does not stop in time
	 * keeps its lease until it lapses.
	 * @param timeout how long to wait for the daemons
	 */
	public void stop(Duration timeout) {
		List<DaemonRun> stopping = halt();
		stopping.forEach((run) -> run.stop("its node stops"));
		long deadline = System.nanoTime() + timeout.toNanos();
		for (DaemonRun run : stopping) {
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			if (!run.join(left)) {
				logger.warn("Daemon '" + run.name() + "' did not stop within " + timeout
						+ "; another node takes it once its lease lapses");
			}
		}
	}

	/**
	 * Stop the daemons that run on this node, and polling, without waiting for them and
	 * without releasing their leases: another node took this node's id over, and with it
	 * the leases held under that id.
	 */
	public void giveWay() {
		halt().forEach((run) -> run.abandon("another node took its worker id over"));
	}

	/** Stop polling and the watchdog, and return the local daemons, forgotten. */
	private synchronized List<DaemonRun> halt() {
		this.running = false;
		if (this.watchdog != null) {
			this.watchdog.shutdownNow();
			this.watchdog = null;
		}
		List<DaemonRun> halted = List.copyOf(this.runs.values());
		this.runs.clear();
		return halted;
	}

}

package dev.taskqueue.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.DaemonStore;

/**
 * One daemon running on this node while it holds the daemon's lease: a thread that calls the
 * daemon's method, and calls it again after a backoff when it returns or throws, until it is
 * told to stop; then it releases the lease. Its lease is renewed by the supervisor's polls and
 * by the daemon's heartbeats; once it has gone two thirds of a lease without a renewal, the
 * daemon is stopped, before another node may take the lease.
 */
final class DaemonRun implements DaemonContext {

	private static final Log logger = LogFactory.getLog(DaemonRun.class);

	/** The most often a daemon's heartbeats are written; those in between are skipped. */
	private static final long MIN_HEARTBEAT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final DaemonDefinition daemon;

	private final long version;

	private final Settings settings;

	private final CountDownLatch stopSignal = new CountDownLatch(1);

	private final Thread thread;

	private volatile long renewedNanos;

	private volatile long heartbeatNanos;

	private volatile boolean lost;

	/** Whether the lease is left as it is on stop: another node holds it under this node's id. */
	private volatile boolean abandoned;

	/** Whether a stop may interrupt the thread: no longer once it releases the lease. */
	private boolean interruptible = true;

	/**
	 * Create a run for a lease just taken.
	 * @param daemon the daemon
	 * @param version the version of its row the lease was taken at
	 * @param acquiredNanos when the statement that took the lease was sent
	 * @param settings the node's settings
	 */
	DaemonRun(DaemonDefinition daemon, long version, long acquiredNanos, Settings settings) {
		this.daemon = daemon;
		this.version = version;
		this.settings = settings;
		this.renewedNanos = acquiredNanos;
		this.heartbeatNanos = acquiredNanos;
		this.thread = new Thread(this::loop, "taskqueue-daemon-" + daemon.name());
		// A daemon that ignores its stop must not keep the JVM from exiting
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	long version() {
		return this.version;
	}

	@Override
	public String name() {
		return this.daemon.name();
	}

	@Override
	public String nodeId() {
		return this.settings.nodeId();
	}

	@Override
	public boolean isStopping() {
		return this.stopSignal.getCount() == 0;
	}

	@Override
	public boolean awaitStop(Duration timeout) {
		try {
			return this.stopSignal.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return isStopping();
		}
	}

	@Override
	public void heartbeat() {
		if (System.nanoTime() - this.heartbeatNanos >= MIN_HEARTBEAT_INTERVAL_NANOS) {
			renew(true);
		}
	}

	/** Renew the lease once a third of it has passed since the last renewal. */
	void renewIfDue() {
		if (!expireIfUnrenewed() && System.nanoTime() - this.renewedNanos >= this.settings.lease().toNanos() / 3) {
			renew(false);
		}
	}

	/**
	 * Stop the daemon once two thirds of its lease have passed without a renewal. This is
	 * checked every poll, at most a third of a lease apart, so the daemon is told to stop
	 * before its lease lapses and another node may take it.
	 * @return whether the lease is lost
	 */
	boolean expireIfUnrenewed() {
		if (!this.lost && System.nanoTime() - this.renewedNanos >= this.settings.lease().toNanos() / 3 * 2) {
			lost("its lease could not be renewed and lapses within " + this.settings.lease().dividedBy(3)
					+ ", when another node may take it");
		}
		return this.lost;
	}

	private void renew(boolean heartbeat) {
		long sent = System.nanoTime();
		if (expireIfUnrenewed()) {
			return;
		}
		Instant now = this.settings.clock().instant();
		try {
			if (this.settings.store()
				.renew(name(), nodeId(), now.plus(this.settings.lease()), heartbeat ? now : null)) {
				this.renewedNanos = sent;
				if (heartbeat) {
					this.heartbeatNanos = sent;
				}
			}
			else {
				lost("another node took its lease");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not renew the lease of daemon '" + name() + "'; it is stopped unless a renewal succeeds soon: "
					+ ex);
		}
	}

	/**
	 * Tell the daemon to stop: its context says so and its thread is interrupted.
	 * @param reason why, for the log
	 */
	void stop(String reason) {
		if (!isStopping()) {
			logger.info("Stopping daemon '" + name() + "' on node " + nodeId() + ": " + reason);
			this.stopSignal.countDown();
			synchronized (this) {
				if (this.interruptible) {
					this.thread.interrupt();
				}
			}
		}
	}

	/**
	 * Stop the daemon because this node no longer holds its lease.
	 * @param reason why, for the log
	 */
	void lost(String reason) {
		this.lost = true;
		stop(reason);
	}

	/**
	 * Stop the daemon and leave its lease as it is: another node took this node's id over,
	 * and holds the lease under that id.
	 * @param reason why, for the log
	 */
	void abandon(String reason) {
		this.abandoned = true;
		lost(reason);
	}

	boolean isAlive() {
		return this.thread.isAlive();
	}

	/**
	 * Wait for the daemon's thread to end.
	 * @param timeout how long to wait at most
	 * @return whether it ended
	 */
	boolean join(Duration timeout) {
		try {
			this.thread.join(Math.max(1, timeout.toMillis()));
			return !this.thread.isAlive();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !this.thread.isAlive();
		}
	}

	private void loop() {
		logger.info("Daemon '" + name() + "' started on node " + nodeId());
		int crashes = 0;
		try {
			while (!isStopping()) {
				long started = System.nanoTime();
				Throwable failure = runOnce();
				// A stop's interrupt has done its work; left set, it would fail the writes below
				Thread.interrupted();
				if (isStopping()) {
					break;
				}
				// A daemon that ran longer than the longest backoff starts over from the shortest
				boolean ranLong = System.nanoTime() - started > this.settings.maxRestartDelay().toNanos();
				crashes = ranLong ? 1 : crashes + 1;
				Duration delay = this.settings.restartDelay(crashes);
				if (failure != null) {
					logger.warn("Daemon '" + name() + "' failed; restarting it in " + delay, failure);
				}
				else {
					logger.warn("Daemon '" + name() + "' returned while it should run; restarting it in " + delay);
				}
				try {
					this.settings.store().ended(name(), nodeId(), (failure != null) ? failure.toString() : null);
				}
				catch (RuntimeException ex) {
					logger.warn("Could not record the end of daemon '" + name() + "': " + ex);
				}
				if (awaitStop(delay)) {
					break;
				}
				try {
					this.settings.store().restarted(name(), nodeId(), this.settings.clock().instant());
				}
				catch (RuntimeException ex) {
					logger.warn("Could not record the restart of daemon '" + name() + "': " + ex);
				}
			}
		}
		finally {
			// An interrupt landing now would fail the release
			synchronized (this) {
				this.interruptible = false;
			}
			Thread.interrupted();
			if (!this.abandoned) {
				release();
			}
		}
	}

	/** Run the daemon's method once; return what it threw, if anything. */
	private @Nullable Throwable runOnce() {
		try {
			this.daemon.handler().run(this);
			return null;
		}
		catch (Exception | LinkageError | AssertionError ex) {
			return ex;
		}
	}

	private void release() {
		try {
			// Matches nothing once another node holds the lease
			this.settings.store().release(name(), nodeId());
			logger.info("Daemon '" + name() + "' stopped on node " + nodeId());
		}
		catch (RuntimeException ex) {
			logger.warn("Daemon '" + name() + "' stopped on node " + nodeId()
					+ ", but its lease could not be released; another node takes it once it lapses: " + ex);
		}
	}

	/**
	 * Return the backoff after the given number of crashes in a row: the shortest after the
	 * first, doubled after each further one, up to the longest.
	 * @param crashes the crashes in a row, from 1
	 * @param min the shortest backoff
	 * @param max the longest backoff
	 * @return the backoff
	 */
	static Duration restartDelay(int crashes, Duration min, Duration max) {
		Duration delay = min;
		for (int i = 1; i < crashes && delay.compareTo(max) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return (delay.compareTo(max) < 0) ? delay : max;
	}

	/**
	 * What every daemon of a node shares.
	 *
	 * @param store the store
	 * @param clock the database's clock
	 * @param nodeId the node's id
	 * @param lease how long a lease lasts unless renewed
	 * @param minRestartDelay the backoff after a first crash
	 * @param maxRestartDelay the longest backoff
	 */
	record Settings(DaemonStore store, Clock clock, String nodeId, Duration lease, Duration minRestartDelay,
			Duration maxRestartDelay) {

		Duration restartDelay(int crashes) {
			return DaemonRun.restartDelay(crashes, this.minRestartDelay, this.maxRestartDelay);
		}

	}

}

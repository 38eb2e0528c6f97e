package dev.taskqueue.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A daemon's row as stored: the state it should be in, the node holding its lease, and what
 * that node last reported.
 *
 * @param name the daemon's name
 * @param started whether it should run
 * @param holder the node holding its lease, or {@code null}
 * @param leaseUntil when that lease lapses, or {@code null}
 * @param lastHeartbeat when its method last started or called
 * {@link dev.taskqueue.daemon.DaemonContext#heartbeat()}, or {@code null}
 * @param status the status the holder last wrote: {@code RUNNING}, {@code BACKING_OFF},
 * {@code WAITING} or {@code STOPPED}
 * @param lastError the last error its method ended with, or {@code null}
 * @param restarts how often its method was restarted after ending
 * @param startedAt when its method last started, or {@code null}
 * @param version raised by each stop and restart, so that a holder sees it must stop
 * @since 0.1.0
 */
public record DaemonRow(String name, boolean started, @Nullable String holder, @Nullable Instant leaseUntil,
		@Nullable Instant lastHeartbeat, String status, @Nullable String lastError, int restarts,
		@Nullable Instant startedAt, long version) {

	/**
	 * Return whether a node holds this daemon's lease at the given time.
	 * @param now the database's time
	 * @return whether the lease is held
	 */
	public boolean isHeld(Instant now) {
		return this.holder != null && this.leaseUntil != null && !this.leaseUntil.isBefore(now);
	}

}

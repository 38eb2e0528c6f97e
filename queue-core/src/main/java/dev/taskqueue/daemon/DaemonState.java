package dev.taskqueue.daemon;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A daemon as the cluster sees it, from {@link TaskDaemons}.
 *
 * @param name the daemon's name
 * @param status what it is doing
 * @param node the node that holds its lease, or {@code null} if none does
 * @param leaseUntil when that node's lease lapses unless renewed, or {@code null}
 * @param lastHeartbeat when its method last started or called
 * {@link DaemonContext#heartbeat()}, or {@code null} if it never ran
 * @param lastError the last error its method ended with, or {@code null}
 * @param restarts how often its method was restarted after it returned or threw
 * @param startedAt when its method last started, or {@code null} if it never ran
 * @since 0.1.0
 */
public record DaemonState(String name, DaemonStatus status, @Nullable String node, @Nullable Instant leaseUntil,
		@Nullable Instant lastHeartbeat, @Nullable String lastError, int restarts, @Nullable Instant startedAt) {

}

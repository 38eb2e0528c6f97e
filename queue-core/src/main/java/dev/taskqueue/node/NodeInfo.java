package dev.taskqueue.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.util.Assert;

/**
 * A live node that runs workers, as its last heartbeat recorded it. Times are the database's.
 *
 * @param id the node's worker id
 * @param host the host it runs on
 * @param pid its process id
 * @param startedAt when it registered
 * @param lanes the queues it serves, with their slots
 * @param tasksRunning how many tasks it ran at its last heartbeat
 * @param heartbeatInterval how often it heartbeats
 * @param lastHeartbeat when it last did
 * @param expiresAt when it counts as dead unless it heartbeats again
 * @since 0.1.0
 */
public record NodeInfo(String id, String host, long pid, Instant startedAt, List<Lane> lanes, int tasksRunning,
		Duration heartbeatInterval, Instant lastHeartbeat, Instant expiresAt) {

	public NodeInfo {
		Assert.hasText(id, "'id' must not be empty");
		lanes = List.copyOf(lanes);
	}

	/**
	 * Return how many tasks the node runs at once at most, all lanes together.
	 * @return the concurrency
	 */
	public int concurrency() {
		return this.lanes.stream().mapToInt(Lane::concurrency).sum();
	}

	/**
	 * Queues whose tasks share slots on a node.
	 *
	 * @param queues the queue names
	 * @param concurrency how many of their tasks run at once
	 */
	public record Lane(List<String> queues, int concurrency) {

		public Lane {
			queues = List.copyOf(queues);
		}

	}

}

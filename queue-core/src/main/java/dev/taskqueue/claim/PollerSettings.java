package dev.taskqueue.claim;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How a node claims and how often.
 *
 * @param batchSize the most tasks one claim takes, and that a lane claiming ahead holds,
 * running and waiting
 * @param claimAhead how far ahead a lane claims beyond its free slots: the tasks it expects
 * to start within this time, judging by its recent handler durations; zero claims only free
 * slots
 * @param pollInterval how long it waits between claims when nothing wakes it
 * @param workerId the node's name, stored on the tasks it runs
 * @since 0.1.0
 */
public record PollerSettings(int batchSize, Duration claimAhead, Duration pollInterval, String workerId) {

	public PollerSettings {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!claimAhead.isNegative(), "'claimAhead' must not be negative");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
		Assert.hasText(workerId, "'workerId' must not be empty");
	}

}

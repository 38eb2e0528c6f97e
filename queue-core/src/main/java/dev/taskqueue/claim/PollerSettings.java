package dev.taskqueue.claim;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How a node claims and how often.
 *
 * @param batchSize the most tasks one claim takes
 * @param pollInterval how long it waits between claims when nothing wakes it
 * @param workerId the node's name, stored on the tasks it runs
 * @since 0.1.0
 */
public record PollerSettings(int batchSize, Duration pollInterval, String workerId) {

	public PollerSettings {
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
		Assert.hasText(workerId, "'workerId' must not be empty");
	}

}

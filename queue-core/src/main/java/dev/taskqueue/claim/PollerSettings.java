package dev.taskqueue.claim;

import java.time.Duration;
import java.util.List;

import org.springframework.util.Assert;

/**
 * What a node claims and how often.
 *
 * @param queues the queues it serves
 * @param batchSize the most tasks one claim takes
 * @param pollInterval how long it waits between claims when nothing wakes it
 * @param lease how long a claim holds a task before another node may take it back
 * @param workerId the node's name, stored on the tasks it runs
 * @since 0.1.0
 */
public record PollerSettings(List<String> queues, int batchSize, Duration pollInterval, Duration lease,
		String workerId) {

	public PollerSettings {
		Assert.notEmpty(queues, "'queues' must not be empty");
		Assert.isTrue(batchSize > 0, "'batchSize' must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "'pollInterval' must be positive");
		Assert.isTrue(!lease.isNegative() && !lease.isZero(), "'lease' must be positive");
		Assert.hasText(workerId, "'workerId' must not be empty");
	}

}

package dev.taskqueue.browse;

import java.time.Instant;

/**
 * How many tasks finished in one minute, per outcome.
 *
 * @param at the start of the minute
 * @param succeeded the tasks that succeeded
 * @param failed the tasks that failed for good
 * @param cancelled the tasks that were cancelled
 * @since 0.1.0
 */
public record ThroughputBucket(Instant at, long succeeded, long failed, long cancelled) {

}

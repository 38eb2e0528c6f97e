package dev.taskqueue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered ids for tasks and jobs (UUID version 7), so that inserts land at the right edge
 * of the primary-key index instead of all over it. Within one JVM each id is greater than the
 * one before, also within a millisecond: the 12 bits after the timestamp count up (RFC 9562,
 * method 1), so that ids sort in the order they were made.
 *
 * @since 0.1.0
 */
public final class TaskIds {

	private static final SecureRandom random = new SecureRandom();

	/** The last timestamp and counter handed out: milliseconds shifted left by 12, plus the count. */
	private static final AtomicLong last = new AtomicLong();

	private TaskIds() {
	}

	/**
	 * Return the lowest id that can be made at a time: every id made at that time or later
	 * sorts after it, every id made before sorts before it.
	 * @param time the time
	 * @return the id
	 */
	public static UUID lowest(Instant time) {
		return new UUID((time.toEpochMilli() << 16) | 0x7000L, 0x8000000000000000L);
	}

	/**
	 * Return a new id.
	 * @return the id
	 */
	public static UUID next() {
		// A counter that overflows moves on to the next millisecond
		long stamp = last.updateAndGet((previous) -> Math.max(previous + 1, System.currentTimeMillis() << 12));
		long millis = stamp >>> 12;
		long counter = stamp & 0xFFF;
		long randomB = random.nextLong();
		long mostSignificant = (millis << 16) | 0x7000L | counter;
		long leastSignificant = (randomB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(mostSignificant, leastSignificant);
	}

}

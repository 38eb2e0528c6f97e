package dev.taskqueue;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered ids for tasks and jobs (UUID version 7), so that inserts land at the right edge
 * of the primary-key index instead of all over it.
 *
 * @since 0.1.0
 */
public final class TaskIds {

	private static final SecureRandom random = new SecureRandom();

	private TaskIds() {
	}

	/**
	 * Return a new id.
	 * @return the id
	 */
	public static UUID next() {
		long millis = System.currentTimeMillis();
		long randomA = random.nextInt(1 << 12);
		long randomB = random.nextLong();
		long mostSignificant = (millis << 16) | 0x7000L | randomA;
		long leastSignificant = (randomB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(mostSignificant, leastSignificant);
	}

}

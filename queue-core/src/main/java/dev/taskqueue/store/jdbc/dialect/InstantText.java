package dev.taskqueue.store.jdbc.dialect;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants as ISO 8601 text in UTC, truncated to the microseconds the databases keep, each
 * formatted once for a run of equal instants: the tasks of one enqueue share theirs, as do the
 * claims and completions of one batch. Safe for concurrent use.
 *
 * @since 0.1.0
 */
public final class InstantText {

	private volatile Formatted last = new Formatted(Instant.EPOCH, Instant.EPOCH.toString());

	/**
	 * The text of an instant.
	 * @param instant the instant
	 * @return its text, such as {@code 2026-12-05T02:45:00.123456Z}
	 */
	public String of(Instant instant) {
		Formatted formatted = this.last;
		if (!formatted.instant().equals(instant)) {
			formatted = new Formatted(instant, instant.truncatedTo(ChronoUnit.MICROS).toString());
			this.last = formatted;
		}
		return formatted.text();
	}

	private record Formatted(Instant instant, String text) {
	}

}

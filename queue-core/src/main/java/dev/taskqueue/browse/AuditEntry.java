package dev.taskqueue.browse;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * One action an operator took: who, when, what, on which tasks.
 *
 * @param id the entry's id, time-ordered
 * @param at when the action was taken
 * @param user who took it
 * @param action what was done, such as {@code retry} or {@code cancel}
 * @param target the task or job it was done to, or the filter that chose the tasks
 * @param tasks how many tasks it changed
 * @param detail more about it, or {@code null}
 * @since 0.1.0
 */
public record AuditEntry(UUID id, Instant at, String user, String action, String target, int tasks,
		@Nullable String detail) {

	/** The longest target stored; longer ones are cut. */
	public static final int MAX_TARGET_LENGTH = 1000;

	/** The longest detail stored; longer ones are cut. */
	public static final int MAX_DETAIL_LENGTH = 4000;

	public AuditEntry {
		Assert.hasText(user, "'user' must not be empty");
		Assert.hasText(action, "'action' must not be empty");
		target = cut(target, MAX_TARGET_LENGTH);
		detail = (detail != null) ? cut(detail, MAX_DETAIL_LENGTH) : null;
	}

	private static String cut(String text, int length) {
		return (text.length() > length) ? text.substring(0, length) : text;
	}

}

package dev.taskqueue.browse;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The record of the actions operators took, kept in the database.
 *
 * @since 0.1.0
 */
public interface AuditTrail {

	/**
	 * Record an action.
	 * @param entry the entry
	 */
	void record(AuditEntry entry);

	/**
	 * List the recorded actions, newest first.
	 * @param after the id the page starts after, or {@code null} for the first page
	 * @param limit how many entries at most, up to {@link TaskBrowser#MAX_PAGE_SIZE}
	 * @return the page
	 */
	Page<AuditEntry> entries(@Nullable UUID after, int limit);

}

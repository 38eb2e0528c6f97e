package dev.taskqueue.store.jdbc.dialect;

/**
 * How a database claims a batch of ready tasks.
 *
 * @since 0.1.0
 */
public enum ClaimShape {

	/**
	 * One {@code UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING ...}, which
	 * commits by itself: one round trip per claim.
	 */
	UPDATE_RETURNING,

	/** {@code SELECT ... FOR UPDATE SKIP LOCKED}, then an {@code UPDATE} of those ids. */
	LOCK_THEN_UPDATE,

	/**
	 * An unlocked ordered read of candidate ids, a {@code FOR UPDATE SKIP LOCKED} of exactly those
	 * rows, then an {@code UPDATE}: for databases that lock every row a sorted, limited locking
	 * query matches.
	 */
	CANDIDATES_THEN_LOCK

}

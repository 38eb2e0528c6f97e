package dev.taskqueue.store.jdbc;

import java.util.Collections;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.jdbc.dialect.ClaimShape;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * A dialect's statements with the table prefix filled in, resolved once per store.
 */
final class Statements {

	final String insertTask;

	final String insertParent;

	final String lockParents;

	final String selectKeyHolder;

	final String completeRetry;

	final String insertError;

	final String selectErrors;

	final String renewLeases;

	final String selectHeld;

	final String lockExpired;

	final String selectFinished;

	final @Nullable String claimReturning;

	final String claimLock;

	final String claimCandidates;

	final String claimUpdate;

	final String completeSucceeded;

	final String completeFailed;

	final String selectChildren;

	final String releaseChild;

	final String handBack;

	final String selectTask;

	final String selectParents;

	final String lockTask;

	final String cancel;

	final String selectWaitingChildren;

	final String retry;

	final @Nullable String notify;

	Statements(Dialect dialect, String prefix) {
		this.insertTask = prefixed(dialect.insertTask(), prefix);
		this.insertParent = prefixed(dialect.insertParent(), prefix);
		this.lockParents = prefixed(dialect.lockParents(), prefix);
		this.selectKeyHolder = prefixed(dialect.selectKeyHolder(), prefix);
		this.completeRetry = prefixed(dialect.completeRetry(), prefix);
		this.insertError = prefixed(dialect.insertError(), prefix);
		this.selectErrors = prefixed(dialect.selectErrors(), prefix);
		this.renewLeases = prefixed(dialect.renewLeases(), prefix);
		this.selectHeld = prefixed(dialect.selectHeld(), prefix);
		this.lockExpired = prefixed(dialect.lockExpired(), prefix);
		this.selectFinished = prefixed(dialect.selectFinished(), prefix);
		this.claimReturning = (dialect.claimShape() == ClaimShape.UPDATE_RETURNING)
				? prefixed(dialect.claimReturning(), prefix) : null;
		this.claimLock = prefixed(dialect.claimLock(), prefix);
		this.claimCandidates = prefixed(dialect.claimCandidates(), prefix);
		this.claimUpdate = prefixed(dialect.claimUpdate(), prefix);
		this.completeSucceeded = prefixed(dialect.completeSucceeded(), prefix);
		this.completeFailed = prefixed(dialect.completeFailed(), prefix);
		this.selectChildren = prefixed(dialect.selectChildren(), prefix);
		this.releaseChild = prefixed(dialect.releaseChild(), prefix);
		this.handBack = prefixed(dialect.handBack(), prefix);
		this.selectTask = prefixed(dialect.selectTask(), prefix);
		this.selectParents = prefixed(dialect.selectParents(), prefix);
		this.lockTask = prefixed(dialect.lockTask(), prefix);
		this.cancel = prefixed(dialect.cancel(), prefix);
		this.selectWaitingChildren = prefixed(dialect.selectWaitingChildren(), prefix);
		this.retry = prefixed(dialect.retry(), prefix);
		this.notify = dialect.notifySql();
	}

	private static String prefixed(String sql, String prefix) {
		return sql.replace("%PREFIX%", prefix);
	}

	/**
	 * Fill in a statement's id list with as many placeholders as there are ids.
	 * @param sql the statement
	 * @param count how many ids
	 * @return the statement
	 */
	static String withIds(String sql, int count) {
		return sql.replace("%IDS%", String.join(", ", Collections.nCopies(count, "?")));
	}

}

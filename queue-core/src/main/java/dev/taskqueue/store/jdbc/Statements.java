package dev.taskqueue.store.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.jdbc.dialect.ClaimShape;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * A dialect's statements with the table prefix filled in, resolved once per store.
 */
final class Statements {

	final String insertTask;

	/** The insert of as many tasks as an index's number plus one, in rows of values. */
	final List<String> insertTaskRows;

	/**
	 * The inserts of {@link #insertTaskRows} that also wake listening nodes; empty where the
	 * dialect cannot.
	 */
	final List<String> insertTaskRowsAndNotify;

	/**
	 * The inserts of {@link #insertTaskRows} followed by a claim from the head of the claim
	 * order, in one round trip; empty where the dialect cannot.
	 */
	final List<String> insertTaskRowsThenClaim;

	/** The inserts of {@link #insertTaskRows} followed by a claim after a position; empty where the dialect cannot. */
	final List<String> insertTaskRowsThenClaimAfter;

	final @Nullable String insertTasks;

	final @Nullable String insertTasksAndNotify;

	final String insertParent;

	final String lockParents;

	final String selectKeyHolders;

	final @Nullable String insertTasksUnlessKeyHeld;

	final @Nullable String insertTaskUnlessKeyHeld;

	final String selectCommittedKeyHolder;

	final String completeRetry;

	final String insertError;

	final String renewLeases;

	final String selectHeld;

	final String writeProgress;

	final String lockExpired;

	final String selectFinished;

	final @Nullable String claimReturning;

	final @Nullable String claimReturningAfter;

	final String claimLock;

	final String claimCandidates;

	final String claimUpdate;

	final String completeSucceeded;

	final String completeFailed;

	final String selectChildren;

	final String releaseChild;

	final String completePostponed;

	final String handBack;

	final String selectTask;

	final String selectParents;

	final String lockTask;

	final String cancel;

	final String selectWaitingChildren;

	final String lockWaitingTasks;

	final String retry;

	final String selectChildrenEvenIfFailed;

	final String holdChildrenEvenIfFailed;

	final String completeRequeue;

	final String selectParentsOf;

	final String selectErrorsOf;

	final String selectParentResults;

	final String insertJob;

	final String insertJobCallback;

	final String selectJobStatus;

	final String lockJob;

	final String lockJobs;

	final String selectActiveJobTask;

	final String countJobTasks;

	final String countUnfinishedTasks;

	final String setJobStarted;

	final String finishJob;

	final String setJobResult;

	final String selectJobCallbacks;

	final String selectJob;

	final String lockUnfinishedJobTasks;

	final String selectFailedJobTasks;

	final String reopenJob;

	final String cancelJob;

	final String selectUnsettledJobs;

	final String selectJobTasks;

	final String selectJobTasksWithStatus;

	final @Nullable String notify;

	Statements(Dialect dialect, String prefix) {
		this.insertTask = prefixed(dialect.insertTask(), prefix);
		List<String> rows = new ArrayList<>();
		List<String> rowsAndNotify = new ArrayList<>();
		List<String> rowsThenClaim = new ArrayList<>();
		List<String> rowsThenClaimAfter = new ArrayList<>();
		for (int count = 1; count <= dialect.maxInsertTaskRows(); count++) {
			String insert = dialect.insertTaskRows(count);
			rows.add(prefixed(insert, prefix));
			addPrefixed(rowsAndNotify, dialect.insertAndNotify(insert), prefix);
			addPrefixed(rowsThenClaim, dialect.insertThenClaim(insert, false), prefix);
			addPrefixed(rowsThenClaimAfter, dialect.insertThenClaim(insert, true), prefix);
		}
		this.insertTaskRows = List.copyOf(rows);
		this.insertTaskRowsAndNotify = List.copyOf(rowsAndNotify);
		this.insertTaskRowsThenClaim = List.copyOf(rowsThenClaim);
		this.insertTaskRowsThenClaimAfter = List.copyOf(rowsThenClaimAfter);
		this.insertTasks = prefixedOrNull(dialect.insertTasks(), prefix);
		this.insertTasksAndNotify = (dialect.insertTasks() != null)
				? prefixedOrNull(dialect.insertAndNotify(dialect.insertTasks()), prefix) : null;
		this.insertParent = prefixed(dialect.insertParent(), prefix);
		this.lockParents = prefixed(dialect.lockParents(), prefix);
		this.selectKeyHolders = prefixed(dialect.selectKeyHolders(), prefix);
		this.insertTasksUnlessKeyHeld = prefixedOrNull(dialect.insertTasksUnlessKeyHeld(), prefix);
		this.insertTaskUnlessKeyHeld = prefixedOrNull(dialect.insertTaskUnlessKeyHeld(), prefix);
		this.selectCommittedKeyHolder = prefixed(dialect.selectCommittedKeyHolder(), prefix);
		this.completeRetry = prefixed(dialect.completeRetry(), prefix);
		this.insertError = prefixed(dialect.insertError(), prefix);
		this.renewLeases = prefixed(dialect.renewLeases(), prefix);
		this.selectHeld = prefixed(dialect.selectHeld(), prefix);
		this.writeProgress = prefixed(dialect.writeProgress(), prefix);
		this.lockExpired = prefixed(dialect.lockExpired(), prefix);
		this.selectFinished = prefixed(dialect.selectFinished(), prefix);
		this.claimReturning = (dialect.claimShape() == ClaimShape.UPDATE_RETURNING)
				? prefixed(dialect.claimReturning(), prefix) : null;
		String claimReturningAfter = dialect.claimReturningAfter();
		this.claimReturningAfter = (claimReturningAfter != null) ? prefixed(claimReturningAfter, prefix) : null;
		this.claimLock = prefixed(dialect.claimLock(), prefix);
		this.claimCandidates = prefixed(dialect.claimCandidates(), prefix);
		this.claimUpdate = prefixed(dialect.claimUpdate(), prefix);
		this.completeSucceeded = prefixed(dialect.completeSucceeded(), prefix);
		this.completeFailed = prefixed(dialect.completeFailed(), prefix);
		this.selectChildren = prefixed(dialect.selectChildren(), prefix);
		this.releaseChild = prefixed(dialect.releaseChild(), prefix);
		this.completePostponed = prefixed(dialect.completePostponed(), prefix);
		this.handBack = prefixed(dialect.handBack(), prefix);
		this.selectTask = prefixed(dialect.selectTask(), prefix);
		this.selectParents = prefixed(dialect.selectParents(), prefix);
		this.lockTask = prefixed(dialect.lockTask(), prefix);
		this.cancel = prefixed(dialect.cancel(), prefix);
		this.selectWaitingChildren = prefixed(dialect.selectWaitingChildren(), prefix);
		this.lockWaitingTasks = prefixed(dialect.lockWaitingTasks(), prefix);
		this.retry = prefixed(dialect.retry(), prefix);
		this.selectChildrenEvenIfFailed = prefixed(dialect.selectChildrenEvenIfFailed(), prefix);
		this.holdChildrenEvenIfFailed = prefixed(dialect.holdChildrenEvenIfFailed(), prefix);
		this.completeRequeue = prefixed(dialect.completeRequeue(), prefix);
		this.selectParentsOf = prefixed(dialect.selectParentsOf(), prefix);
		this.selectErrorsOf = prefixed(dialect.selectErrorsOf(), prefix);
		this.selectParentResults = prefixed(dialect.selectParentResults(), prefix);
		this.insertJob = prefixed(dialect.insertJob(), prefix);
		this.insertJobCallback = prefixed(dialect.insertJobCallback(), prefix);
		this.selectJobStatus = prefixed(dialect.selectJobStatus(), prefix);
		this.lockJob = prefixed(dialect.lockJob(), prefix);
		this.lockJobs = prefixed(dialect.lockJobs(), prefix);
		this.selectActiveJobTask = prefixed(dialect.selectActiveJobTask(), prefix);
		this.countJobTasks = prefixed(dialect.countJobTasks(), prefix);
		this.countUnfinishedTasks = prefixed(dialect.countUnfinishedTasks(), prefix);
		this.setJobStarted = prefixed(dialect.setJobStarted(), prefix);
		this.finishJob = prefixed(dialect.finishJob(), prefix);
		this.setJobResult = prefixed(dialect.setJobResult(), prefix);
		this.selectJobCallbacks = prefixed(dialect.selectJobCallbacks(), prefix);
		this.selectJob = prefixed(dialect.selectJob(), prefix);
		this.lockUnfinishedJobTasks = prefixed(dialect.lockUnfinishedJobTasks(), prefix);
		this.selectFailedJobTasks = prefixed(dialect.selectFailedJobTasks(), prefix);
		this.reopenJob = prefixed(dialect.reopenJob(), prefix);
		this.cancelJob = prefixed(dialect.cancelJob(), prefix);
		this.selectUnsettledJobs = prefixed(dialect.selectUnsettledJobs(), prefix);
		this.selectJobTasks = prefixed(dialect.selectJobTasks(false), prefix);
		this.selectJobTasksWithStatus = prefixed(dialect.selectJobTasks(true), prefix);
		this.notify = dialect.notifySql();
	}

	static String prefixed(String sql, String prefix) {
		return sql.replace("%PREFIX%", prefix);
	}

	private static void addPrefixed(List<String> statements, @Nullable String sql, String prefix) {
		if (sql != null) {
			statements.add(prefixed(sql, prefix));
		}
	}

	private static @Nullable String prefixedOrNull(@Nullable String sql, String prefix) {
		return (sql != null) ? prefixed(sql, prefix) : null;
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

	/**
	 * Fill in a statement's list of {@code (id, claim token)} pairs with as many placeholder
	 * pairs as there are claims.
	 * @param sql the statement
	 * @param count how many claims
	 * @return the statement
	 */
	static String withClaims(String sql, int count) {
		return sql.replace("%CLAIMS%", String.join(", ", Collections.nCopies(count, "(?, ?)")));
	}

}

package dev.taskqueue.store.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.ProgressReport;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Claims of ready tasks in the shape of the dialect, and the leases of the claimed tasks:
 * renewed while they run, or handed back unrun.
 * <p>
 * Each claim statement gives the tasks it claims one random claim token, and renewals,
 * hand-backs and outcomes match the pair of task id and token: a task claimed again, even
 * with the same attempt number after a database crash lost a claim, has a new token, so that
 * the attempt whose claim was lost can no longer renew, hand back or end it. One token per
 * statement is enough, since a statement claims a task once and every check names the task
 * too; it costs one parameter instead of one random value per row.
 * <p>
 * Claimed tasks come back in claim order: priority, then due time, then id. Where the dialect
 * can, a claim that follows a full one starts where that one ended instead of at the head of
 * the ready index. The head holds the index entries of the tasks already claimed, and while
 * another session keeps an old snapshot open (a report, a backup, a forgotten console) vacuum
 * cannot remove them: every claim from the head would walk all of them, so drains slow down
 * as they go. A task that turns ready behind the position (a higher priority, a commit that
 * came late, a child released with its original due time) is found by the next claim from the
 * head, which comes at least every {@link #HEAD_CLAIM_INTERVAL}, and also when the claim from
 * the position comes back short.
 * <p>
 * Until vacuum passes, the head also holds the dead entries of every task claimed since its
 * last pass, and a busy queue claims millions between two passes over a large table: a claim
 * from the head then takes tens of milliseconds. So once they cost more than a twentieth of
 * {@link #HEAD_CLAIM_INTERVAL}, claims from the head take no more than one
 * {@link #HEAD_CLAIM_COST_SHARE}th of the time: after two that took 10 ms, the next comes 200 ms
 * later at the soonest, also after a short claim. A task behind the position waits for it, or
 * for the lane's next poll when it has nothing else to claim; the claims of all the others stay
 * as cheap as on a clean index.
 */
final class TaskClaims {

	private static final Log logger = LogFactory.getLog(TaskClaims.class);

	/** How long claims may start after the last position before one starts at the head again. */
	static final Duration HEAD_CLAIM_INTERVAL = Duration.ofMillis(100);

	/** Claims from the head take no more than one in this many parts of the time. */
	static final int HEAD_CLAIM_COST_SHARE = 20;

	/** Claim order: higher priority first, then earlier due time, then id as the database orders ids. */
	private static final Comparator<Claimed> CLAIM_ORDER = Comparator.comparingInt(Claimed::priority)
		.reversed()
		.thenComparing(Claimed::runAt)
		.thenComparing((claimed) -> claimed.task().id(), TaskClaims::compareUnsigned);

	private final SecureRandom tokens = new SecureRandom();

	/** Where the last claim of each queue that claimed anything ended, for claims that start there. */
	private final Map<String, Position> positions = new ConcurrentHashMap<>();

	/** The last claim of each queue that started at the head. */
	private final Map<String, HeadClaim> headClaims = new ConcurrentHashMap<>();

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final TaskRowMapper rowMapper;

	private final TransactionTemplate workerTransaction;

	TaskClaims(JdbcSupport support) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.rowMapper = support.rowMapper();
		this.workerTransaction = support.workerTransaction();
	}

	List<ClaimedTask> claim(String queue, int limit, String worker, Instant now, Instant leaseUntil) {
		if (limit <= 0) {
			return List.of();
		}
		long token = this.tokens.nextLong();
		List<Claimed> claimed = switch (this.dialect.claimShape()) {
			case UPDATE_RETURNING -> this.jdbc.execute((ConnectionCallback<List<Claimed>>) (connection) ->
					claimCommitting(connection, queue, limit, worker, now, leaseUntil, token));
			case LOCK_THEN_UPDATE -> this.workerTransaction.execute((transaction) -> lockThenUpdate(queue, limit,
					worker, now, leaseUntil, token));
			case CANDIDATES_THEN_LOCK -> this.workerTransaction.execute((transaction) -> candidatesThenLock(queue,
					limit, worker, now, leaseUntil, token));
		};
		return inClaimOrder(queue, limit, (claimed != null) ? claimed : List.of());
	}

	/**
	 * Sends a statement and a claim in one round trip that commits both, on a connection in
	 * auto-commit mode, with the dialect's {@link Dialect#insertThenClaim}. Once the round trip
	 * that carried the statement has ended, the statement has committed: a claim from the head
	 * that follows it and fails leaves the tasks claimed so far, as after any claim.
	 * @param leading the statement, with the claims it can lead
	 * @return the tasks claimed, in claim order
	 */
	List<ClaimedTask> claimAfter(Connection connection, Leading leading, String queue, int limit, String worker,
			Instant now, Instant leaseUntil) throws SQLException {
		long token = this.tokens.nextLong();
		return inClaimOrder(queue, limit, claimReturning(connection, queue, limit, worker, now, leaseUntil, token,
				leading));
	}

	private List<ClaimedTask> inClaimOrder(String queue, int limit, List<Claimed> unordered) {
		List<Claimed> claimed = unordered.stream().sorted(CLAIM_ORDER).toList();
		// Only a committed claim moves the position: tasks of a claim rolled back stay before it
		if (this.sql.claimReturningAfter != null) {
			boolean shortClaim = claimed.size() < limit;
			if (!claimed.isEmpty()) {
				Claimed last = claimed.get(claimed.size() - 1);
				this.positions.put(queue, new Position(last.priority(), last.runAt(), last.task().id(), shortClaim));
			}
			else {
				this.positions.computeIfPresent(queue, (name, position) -> position.withShortClaim());
			}
		}
		return claimed.stream().map(Claimed::task).toList();
	}

	/**
	 * Claims with statements that commit by themselves: outside a transaction, each ends with
	 * its own commit in its one round trip, where a transaction would take another for its
	 * {@code COMMIT}. In a caller's transaction, they are part of it. A connection out of
	 * auto-commit mode is switched to it for the claim and back; should switching back fail,
	 * the claim has committed all the same, so its tasks are handed over rather than left
	 * running on no worker until their leases lapse, and the pool resets or drops the
	 * connection it gets back.
	 */
	private List<Claimed> claimCommitting(Connection connection, String queue, int limit, String worker,
			Instant now, Instant leaseUntil, long token) throws SQLException {
		if (connection.getAutoCommit() || DataSourceUtils
			.isConnectionTransactional(DataSourceUtils.getTargetConnection(connection), this.support.dataSource())) {
			return claimReturning(connection, queue, limit, worker, now, leaseUntil, token, null);
		}
		connection.setAutoCommit(true);
		List<Claimed> claimed;
		try {
			claimed = claimReturning(connection, queue, limit, worker, now, leaseUntil, token, null);
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.setAutoCommit(false);
			}
			catch (SQLException restoring) {
				ex.addSuppressed(restoring);
			}
			throw ex;
		}
		try {
			connection.setAutoCommit(false);
		}
		catch (SQLException ex) {
			logger.warn("Could not switch a connection back out of auto-commit mode after a claim of %d task(s) "
				.formatted(claimed.size()) + "had committed; the claim stands", ex);
		}
		return claimed;
	}

	private List<Claimed> lockThenUpdate(String queue, int limit, String worker, Instant now, Instant leaseUntil,
			long token) {
		return markRunning(this.jdbc.query(this.sql.claimLock, (ps) -> {
			ps.setString(1, queue);
			this.dialect.setInstant(ps, 2, now);
			ps.setInt(3, limit);
		}, (rs, rowNum) -> claimed(rs, 1, token)), worker, now, leaseUntil, token);
	}

	private List<Claimed> candidatesThenLock(String queue, int limit, String worker, Instant now,
			Instant leaseUntil, long token) {
		List<UUID> candidates = this.jdbc.query(this.sql.claimCandidates, (ps) -> {
			ps.setString(1, queue);
			this.dialect.setInstant(ps, 2, now);
			ps.setInt(3, limit);
		}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
		return candidates.isEmpty() ? List.of()
				: markRunning(this.jdbc.query(Statements.withIds(this.sql.claimLock, candidates.size()),
						(ps) -> this.support.setIds(ps, 1, candidates), (rs, rowNum) -> claimed(rs, 1, token)),
						worker, now, leaseUntil, token);
	}

	/**
	 * Claims from the queue's last position while a claim from the head is not yet due, then
	 * from the head for what that left short, as far as claims from the head keep to their share.
	 * After a short claim, everything ready behind the position was claimed and the next claim
	 * goes to the head at once, as soon as its share allows. A leading statement goes with the
	 * first claim.
	 */
	private List<Claimed> claimReturning(Connection connection, String queue, int limit, String worker, Instant now,
			Instant leaseUntil, long token, @Nullable Leading leading) throws SQLException {
		long nanos = System.nanoTime();
		Position position = this.positions.get(queue);
		HeadClaim head = this.headClaims.get(queue);
		boolean fromHead = position == null || head == null || head.due(nanos)
				|| (position.afterShortClaim() && head.allowedAfterShortClaim(nanos));
		List<Claimed> claimed = new ArrayList<>(limit);
		boolean ledBefore = false;
		if (!fromHead) {
			claimed.addAll(claimReturning(connection, this.sql.claimReturningAfter, queue, limit, worker, now,
					leaseUntil, token, position, leading));
			ledBefore = leading != null;
			leading = null;
			fromHead = claimed.size() < limit && head.allowedAfterShortClaim(nanos);
		}
		if (fromHead) {
			long started = System.nanoTime();
			try {
				claimed.addAll(claimReturning(connection, this.sql.claimReturning, queue, limit - claimed.size(),
						worker, now, leaseUntil, token, null, leading));
			}
			catch (SQLException ex) {
				// The claim from the position has committed, with the statement it led: its tasks are this
				// node's. Failing now would leave them running unseen until their leases lapse, each attempt
				// counted as failed, and the led statement's caller unsure whether it was written; the next
				// claim meets the failure again if it lasts.
				if (claimed.isEmpty() && !ledBefore) {
					throw ex;
				}
				return claimed;
			}
			this.headClaims.put(queue,
					new HeadClaim(started, System.nanoTime() - started, (head != null) ? head.took() : 0));
		}
		return claimed;
	}

	private List<Claimed> claimReturning(Connection connection, String statement, String queue, int limit,
			String worker, Instant now, Instant leaseUntil, long token, @Nullable Position after,
			@Nullable Leading leading) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(
				(leading != null) ? leading.thenClaim(after != null) : statement)) {
			int next = (leading != null) ? leading.bind(ps) + 1 : 1;
			ps.setString(next++, worker);
			this.dialect.setInstant(ps, next++, now);
			this.dialect.setInstant(ps, next++, leaseUntil);
			ps.setLong(next++, token);
			ps.setString(next++, queue);
			this.dialect.setInstant(ps, next++, now);
			if (after != null) {
				ps.setInt(next++, after.priority());
				this.dialect.setInstant(ps, next++, after.runAt());
				this.dialect.setId(ps, next++, after.id());
			}
			ps.setInt(next, limit);
			return claimedRows(ps, token);
		}
	}

	/** Reads the rows a claim returned: its last result, after those of statements sent with it. */
	private List<Claimed> claimedRows(PreparedStatement ps, long token) throws SQLException {
		ResultSet last = null;
		boolean resultSet = ps.execute();
		while (resultSet || ps.getUpdateCount() != -1) {
			if (resultSet) {
				if (last != null) {
					last.close();
				}
				last = ps.getResultSet();
			}
			resultSet = ps.getMoreResults(Statement.KEEP_CURRENT_RESULT);
		}
		List<Claimed> claimed = new ArrayList<>();
		if (last != null) {
			try (ResultSet rs = last) {
				while (rs.next()) {
					claimed.add(claimed(rs, 0, token));
				}
			}
		}
		return claimed;
	}

	private List<Claimed> markRunning(List<Claimed> locked, String worker, Instant now, Instant leaseUntil,
			long token) {
		if (!locked.isEmpty()) {
			this.jdbc.update(Statements.withIds(this.sql.claimUpdate, locked.size()), (ps) -> {
				ps.setString(1, worker);
				this.dialect.setInstant(ps, 2, now);
				this.dialect.setInstant(ps, 3, leaseUntil);
				ps.setLong(4, token);
				this.support.setIds(ps, 5, locked.stream().map((claimed) -> claimed.task().id()).toList());
			});
		}
		return locked;
	}

	private Claimed claimed(ResultSet rs, int attemptOffset, long token) throws SQLException {
		return new Claimed(this.rowMapper.claimed(rs, attemptOffset, token), rs.getInt("priority"),
				this.rowMapper.required(rs, "run_at"));
	}

	/** UUIDs as PostgreSQL and H2 order them: by their bytes, unsigned. */
	private static int compareUnsigned(UUID a, UUID b) {
		int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
		return (high != 0) ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
	}

	Set<UUID> renew(Collection<ClaimedTask> tasks, String worker, Instant leaseUntil) {
		Set<UUID> lost = new HashSet<>();
		this.workerTransaction.executeWithoutResult((transaction) -> {
			for (List<ClaimedTask> chunk : JdbcSupport.chunks(tasks)) {
				int renewed = this.jdbc.update(Statements.withClaims(this.sql.renewLeases, chunk.size()), (ps) -> {
					this.dialect.setInstant(ps, 1, leaseUntil);
					ps.setString(2, worker);
					this.support.setClaims(ps, 3, chunk);
				});
				if (renewed < chunk.size()) {
					chunk.forEach((task) -> lost.add(task.id()));
					this.jdbc.query(Statements.withClaims(this.sql.selectHeld, chunk.size()), (ps) -> {
						ps.setString(1, worker);
						this.support.setClaims(ps, 2, chunk);
					}, (rs) -> {
						lost.remove(this.dialect.getId(rs, "id"));
					});
				}
			}
		});
		return lost;
	}

	int writeProgress(List<ProgressReport> reports) {
		if (reports.isEmpty()) {
			return 0;
		}
		// In id order, as outcomes and lease renewals lock their rows: of two, one waits for the other
		List<ProgressReport> ordered = reports.stream()
			.sorted((a, b) -> compareUnsigned(a.id(), b.id()))
			.toList();
		// One batch of one statement for all the node's reports: one round trip, one commit
		int[] counts = this.workerTransaction.execute((transaction) -> this.jdbc.batchUpdate(this.sql.writeProgress,
				JdbcSupport.batch(ordered, (ps, report) -> {
					ps.setDouble(1, report.fraction());
					ps.setString(2, report.message());
					this.dialect.setInstant(ps, 3, report.reportedAt());
					this.dialect.setId(ps, 4, report.id());
					ps.setLong(5, report.claimToken());
					this.dialect.setInstant(ps, 6, report.reportedAt());
				})));
		return (counts != null) ? (int) Arrays.stream(counts).filter((count) -> count > 0).count() : 0;
	}

	int handBack(Collection<ClaimedTask> tasks, String worker) {
		Integer handedBack = this.workerTransaction.execute((transaction) -> {
			int count = 0;
			for (List<ClaimedTask> chunk : JdbcSupport.chunks(tasks)) {
				count += this.jdbc.update(Statements.withClaims(this.sql.handBack, chunk.size()), (ps) -> {
					ps.setString(1, worker);
					this.support.setClaims(ps, 2, chunk);
				});
			}
			if (count > 0) {
				this.support.notifyReady();
			}
			return count;
		});
		return (handedBack != null) ? handedBack : 0;
	}

	/** A statement sent ahead of a claim in its round trip and committed with it. */
	interface Leading {

		/**
		 * The statement followed by a claim.
		 * @param afterPosition whether the claim starts after a position, or at the head of
		 * the claim order
		 * @return the statements
		 */
		String thenClaim(boolean afterPosition);

		/**
		 * Bind the statement's own parameters, which come before the claim's.
		 * @param ps the statements
		 * @return how many parameters it bound
		 * @throws SQLException on a driver error
		 */
		int bind(PreparedStatement ps) throws SQLException;

	}

	/** A claimed task with its place in the claim order. */
	private record Claimed(ClaimedTask task, int priority, Instant runAt) {
	}

	/**
	 * A place in the claim order, where the last claim that claimed anything ended, and whether a
	 * claim since came back short.
	 */
	private record Position(int priority, Instant runAt, UUID id, boolean afterShortClaim) {

		/** The same place, after a claim that came back short. */
		Position withShortClaim() {
			return new Position(this.priority, this.runAt, this.id, true);
		}

	}

	/**
	 * A claim from the head: when it started, how long it took and how long the one before it
	 * took, by {@link System#nanoTime()} (none before the first). The shorter of the two is what
	 * a claim from the head costs: one slowed by chance (a cold cache, a pause of the machine)
	 * does not hold the next one back, a head that grows slows both.
	 */
	record HeadClaim(long startedAt, long took, long tookBefore) {

		/** Whether the next claim from the head is due whatever the claims from the position find. */
		boolean due(long now) {
			return now - this.startedAt >= Math.max(HEAD_CLAIM_INTERVAL.toNanos(), share());
		}

		/**
		 * Whether a claim after a short one may start at the head now: at once while claims from
		 * the head are cheap, otherwise once their share of the time allows.
		 */
		boolean allowedAfterShortClaim(long now) {
			long share = share();
			return share <= HEAD_CLAIM_INTERVAL.toNanos() || now - this.startedAt >= share;
		}

		/** The least time from this claim's start to the next that keeps claims from the head to their share. */
		private long share() {
			return Math.min(this.took, this.tookBefore) * HEAD_CLAIM_COST_SHARE;
		}

	}

}

package dev.taskqueue.store.jdbc;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.store.ClaimedTask;
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
 */
final class TaskClaims {

	private final SecureRandom tokens = new SecureRandom();

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
		List<ClaimedTask> claimed = this.workerTransaction.execute((transaction) -> claimInTransaction(queue, limit,
				worker, now, leaseUntil));
		return (claimed != null) ? claimed : List.of();
	}

	private List<ClaimedTask> claimInTransaction(String queue, int limit, String worker, Instant now,
			Instant leaseUntil) {
		long token = this.tokens.nextLong();
		return switch (this.dialect.claimShape()) {
			case UPDATE_RETURNING -> this.jdbc.execute(this.sql.claimReturning,
					(PreparedStatementCallback<List<ClaimedTask>>) (ps) -> {
						ps.setString(1, worker);
						this.dialect.setInstant(ps, 2, now);
						this.dialect.setInstant(ps, 3, leaseUntil);
						ps.setLong(4, token);
						ps.setString(5, queue);
						this.dialect.setInstant(ps, 6, now);
						ps.setInt(7, limit);
						return claimedRows(ps, token);
					});
			case LOCK_THEN_UPDATE -> markRunning(this.jdbc.query(this.sql.claimLock, (ps) -> {
				ps.setString(1, queue);
				this.dialect.setInstant(ps, 2, now);
				ps.setInt(3, limit);
			}, (rs, rowNum) -> this.rowMapper.claimed(rs, 1, token)), worker, now, leaseUntil, token);
			case CANDIDATES_THEN_LOCK -> {
				List<UUID> candidates = this.jdbc.query(this.sql.claimCandidates, (ps) -> {
					ps.setString(1, queue);
					this.dialect.setInstant(ps, 2, now);
					ps.setInt(3, limit);
				}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
				yield candidates.isEmpty() ? List.<ClaimedTask>of()
						: markRunning(inOrderOf(candidates, this.jdbc.query(Statements.withIds(this.sql.claimLock, candidates.size()),
								(ps) -> this.support.setIds(ps, 1, candidates),
								(rs, rowNum) -> this.rowMapper.claimed(rs, 1, token))), worker, now, leaseUntil, token);
			}
		};
	}

	/**
	 * Puts locked tasks back in the order of their candidates, highest priority first, since
	 * the worker starts them in the order of the claim and a lookup by ids keeps none.
	 */
	private static List<ClaimedTask> inOrderOf(List<UUID> candidates, List<ClaimedTask> locked) {
		Map<UUID, Integer> rank = new HashMap<>();
		candidates.forEach((id) -> rank.put(id, rank.size()));
		List<ClaimedTask> ordered = new ArrayList<>(locked);
		ordered.sort(Comparator.comparing((task) -> rank.get(task.id())));
		return ordered;
	}

	/** Reads the rows a claim returned, after any results of statements sent with it. */
	private List<ClaimedTask> claimedRows(PreparedStatement ps, long token) throws SQLException {
		boolean resultSet = ps.execute();
		while (!resultSet && ps.getUpdateCount() != -1) {
			resultSet = ps.getMoreResults();
		}
		List<ClaimedTask> claimed = new ArrayList<>();
		if (resultSet) {
			try (ResultSet rs = ps.getResultSet()) {
				while (rs.next()) {
					claimed.add(this.rowMapper.claimed(rs, 0, token));
				}
			}
		}
		return claimed;
	}

	private List<ClaimedTask> markRunning(List<ClaimedTask> locked, String worker, Instant now, Instant leaseUntil,
			long token) {
		if (!locked.isEmpty()) {
			this.jdbc.update(Statements.withIds(this.sql.claimUpdate, locked.size()), (ps) -> {
				ps.setString(1, worker);
				this.dialect.setInstant(ps, 2, now);
				this.dialect.setInstant(ps, 3, leaseUntil);
				ps.setLong(4, token);
				this.support.setIds(ps, 5, locked.stream().map(ClaimedTask::id).toList());
			});
		}
		return locked;
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

}

package dev.taskqueue.store.jdbc.dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.TransactionDefinition;

/**
 * The SQL of one database. Default methods hold ANSI statements with {@code %PREFIX%} for the
 * table prefix and {@code %IDS%} for a list of id placeholders; each database overrides only
 * what differs.
 *
 * @since 0.1.0
 */
public interface Dialect {

	/**
	 * Return the platform name that picks schema scripts ({@code schema-<platform>.sql}).
	 * @return the platform
	 */
	String platform();

	/**
	 * Return how this database claims tasks.
	 * @return the claim shape
	 */
	ClaimShape claimShape();

	/**
	 * Return the isolation level for claims and completions.
	 * @return a {@link TransactionDefinition} isolation constant
	 */
	default int workerIsolation() {
		return TransactionDefinition.ISOLATION_DEFAULT;
	}

	/**
	 * Bind a task id.
	 * @param ps the statement
	 * @param index the parameter index
	 * @param id the id
	 * @throws SQLException on a driver error
	 */
	default void setId(PreparedStatement ps, int index, UUID id) throws SQLException {
		ps.setObject(index, id);
	}

	/**
	 * Read a task id.
	 * @param rs the result set
	 * @param column the column
	 * @return the id
	 * @throws SQLException on a driver error
	 */
	default UUID getId(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, UUID.class);
	}

	/**
	 * Bind an instant, as UTC, truncated to the microseconds every supported database keeps
	 * (rounding up could put a task's time after the claim's "now").
	 * @param ps the statement
	 * @param index the parameter index
	 * @param instant the instant, or {@code null}
	 * @throws SQLException on a driver error
	 */
	default void setInstant(PreparedStatement ps, int index, @Nullable Instant instant) throws SQLException {
		if (instant != null) {
			ps.setObject(index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
		}
		else {
			ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
		}
	}

	/**
	 * Read an instant.
	 * @param rs the result set
	 * @param column the column
	 * @return the instant, or {@code null}
	 * @throws SQLException on a driver error
	 */
	default @Nullable Instant getInstant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * Return the statement that wakes listening nodes, with parameters channel and payload, or
	 * {@code null} if the database cannot.
	 * @return the notify statement, or {@code null}
	 */
	default @Nullable String notifySql() {
		return null;
	}

	/**
	 * Return the statement that subscribes a connection to a channel, or {@code null} if the
	 * database cannot.
	 * @param channel the channel
	 * @return the listen statement, or {@code null}
	 */
	default @Nullable String listenSql(String channel) {
		return null;
	}

	default String insertTask() {
		return """
				INSERT INTO %PREFIX%TASK (id, type, queue, status, priority, run_at, attempts, attempt_base,
					pending_parents, payload, unique_key, options, created_at, finished_at)
				VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)""";
	}

	default String insertParent() {
		return "INSERT INTO %PREFIX%TASK_PARENT (parent_id, child_id) VALUES (?, ?)";
	}

	/**
	 * Read and lock the unfinished task that holds a unique key. A locking read, so that it
	 * sees a holder committed after the transaction's snapshot. Parameters: the key.
	 * @return the statement
	 */
	default String selectKeyHolder() {
		return "SELECT id, status FROM %PREFIX%TASK WHERE active_key = ? FOR UPDATE";
	}

	/** Read and lock parents so that none completes unseen while its child is inserted. */
	default String lockParents() {
		return "SELECT id, status FROM %PREFIX%TASK WHERE id IN (%IDS%) FOR UPDATE";
	}

	/**
	 * The single claim statement, for {@link ClaimShape#UPDATE_RETURNING}. Parameters: worker,
	 * started at, lease until, queue, now, limit. It may be preceded by statements without
	 * parameters or rows, sent in the same round trip.
	 * @return the statement
	 */
	default String claimReturning() {
		throw new UnsupportedOperationException(platform() + " does not claim with UPDATE ... RETURNING");
	}

	/**
	 * The locking read of a claim. Parameters: queue, now, limit; or, with
	 * {@link ClaimShape#CANDIDATES_THEN_LOCK}, the candidate ids.
	 * @return the statement
	 */
	default String claimLock() {
		return """
				SELECT id, type, queue, attempts, attempt_base, payload, options FROM %PREFIX%TASK
				WHERE status = 'READY' AND queue = ? AND run_at <= ?
				ORDER BY priority DESC, run_at, id
				FETCH FIRST ? ROWS ONLY
				FOR UPDATE SKIP LOCKED""";
	}

	/**
	 * The unlocked read of candidate ids, for {@link ClaimShape#CANDIDATES_THEN_LOCK}.
	 * Parameters: queue, now, limit.
	 * @return the statement
	 */
	default String claimCandidates() {
		return """
				SELECT id FROM %PREFIX%TASK
				WHERE status = 'READY' AND queue = ? AND run_at <= ?
				ORDER BY priority DESC, run_at, id
				FETCH FIRST ? ROWS ONLY""";
	}

	/** Parameters: worker, started at, lease until, then the ids. */
	default String claimUpdate() {
		return """
				UPDATE %PREFIX%TASK SET status = 'RUNNING', attempts = attempts + 1, worker = ?, started_at = ?,
					lease_until = ?
				WHERE id IN (%IDS%)""";
	}

	/** Parameters: result, finished at, id, attempt. */
	default String completeSucceeded() {
		return """
				UPDATE %PREFIX%TASK SET status = 'SUCCEEDED', result = ?, finished_at = ?, worker = NULL,
					lease_until = NULL
				WHERE id = ? AND status = 'RUNNING' AND attempts = ?""";
	}

	/** Parameters: run at, error message, error detail, id, attempt. */
	default String completeRetry() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', run_at = ?, error_message = ?, error_detail = ?,
					worker = NULL, lease_until = NULL
				WHERE id = ? AND status = 'RUNNING' AND attempts = ?""";
	}

	/** Parameters: task id, attempt, message, detail, failed at. */
	default String insertError() {
		return """
				INSERT INTO %PREFIX%TASK_ERROR (task_id, attempt, message, detail, failed_at)
				VALUES (?, ?, ?, ?, ?)""";
	}

	/** Parameters: task id. */
	default String selectErrors() {
		return """
				SELECT attempt, message, detail, failed_at FROM %PREFIX%TASK_ERROR
				WHERE task_id = ? ORDER BY failed_at, attempt""";
	}

	/** Parameters: lease until, worker, then the ids. */
	default String renewLeases() {
		return """
				UPDATE %PREFIX%TASK SET lease_until = ?
				WHERE status = 'RUNNING' AND worker = ? AND id IN (%IDS%)""";
	}

	/** Parameters: worker, then the ids. */
	default String selectHeld() {
		return "SELECT id FROM %PREFIX%TASK WHERE status = 'RUNNING' AND worker = ? AND id IN (%IDS%)";
	}

	/**
	 * Running tasks whose lease lapsed, locked for taking back. Parameters: now, limit.
	 * @return the statement
	 */
	default String lockExpired() {
		return """
				SELECT id, type, queue, attempts, attempt_base, payload, options FROM %PREFIX%TASK
				WHERE status = 'RUNNING' AND lease_until < ?
				ORDER BY lease_until
				FETCH FIRST ? ROWS ONLY
				FOR UPDATE SKIP LOCKED""";
	}

	/** Parameters: the ids. */
	default String selectFinished() {
		return """
				SELECT id FROM %PREFIX%TASK
				WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND id IN (%IDS%)""";
	}

	/** Parameters: error message, error detail, finished at, id, attempt. */
	default String completeFailed() {
		return """
				UPDATE %PREFIX%TASK SET status = 'FAILED', error_message = ?, error_detail = ?, finished_at = ?,
					worker = NULL, lease_until = NULL
				WHERE id = ? AND status = 'RUNNING' AND attempts = ?""";
	}

	/** The children of the given parents, once per edge. Parameters: the parent ids. */
	default String selectChildren() {
		return "SELECT child_id FROM %PREFIX%TASK_PARENT WHERE parent_id IN (%IDS%)";
	}

	/**
	 * Counts a waiting child's parents down, making it ready when none is left. Status comes
	 * first: MySQL assigns left to right, the others from the old row, and both then read the
	 * old count. Parameters: parents that succeeded, the same again, child id.
	 * @return the statement
	 */
	default String releaseChild() {
		return """
				UPDATE %PREFIX%TASK SET status = CASE WHEN pending_parents <= ? THEN 'READY' ELSE status END,
					pending_parents = pending_parents - ?
				WHERE id = ? AND status = 'WAITING'""";
	}

	/** Parameters: worker, then the ids. */
	default String handBack() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', attempts = attempts - 1, worker = NULL, lease_until = NULL,
					started_at = NULL
				WHERE status = 'RUNNING' AND worker = ? AND id IN (%IDS%)""";
	}

	default String selectTask() {
		return """
				SELECT id, type, queue, status, priority, attempts, unique_key, payload, result, error_message,
					error_detail, created_at, run_at, started_at, worker, finished_at
				FROM %PREFIX%TASK WHERE id = ?""";
	}

	default String selectParents() {
		return "SELECT parent_id FROM %PREFIX%TASK_PARENT WHERE child_id = ?";
	}

	default String lockTask() {
		return "SELECT status FROM %PREFIX%TASK WHERE id = ? FOR UPDATE";
	}

	/** Parameters: finished at, then the ids. */
	default String cancel() {
		return """
				UPDATE %PREFIX%TASK SET status = 'CANCELLED', finished_at = ?, worker = NULL, lease_until = NULL
				WHERE status IN ('WAITING', 'READY', 'RUNNING', 'FAILED') AND id IN (%IDS%)""";
	}

	/** Parameters: the parent ids. */
	default String selectWaitingChildren() {
		return """
				SELECT t.id FROM %PREFIX%TASK t JOIN %PREFIX%TASK_PARENT p ON p.child_id = t.id
				WHERE t.status = 'WAITING' AND p.parent_id IN (%IDS%)""";
	}

	/** Parameters: the child id. */
	default String countPendingParents() {
		return """
				SELECT COUNT(*) FROM %PREFIX%TASK_PARENT p JOIN %PREFIX%TASK t ON t.id = p.parent_id
				WHERE p.child_id = ? AND t.status <> 'SUCCEEDED'""";
	}

	/** Parameters: status, pending parents, run at, id. */
	default String retry() {
		return """
				UPDATE %PREFIX%TASK SET status = ?, pending_parents = ?, run_at = ?, attempt_base = attempts,
					result = NULL, error_message = NULL, error_detail = NULL, started_at = NULL, finished_at = NULL
				WHERE id = ? AND status IN ('FAILED', 'CANCELLED')""";
	}

	/**
	 * Pick the dialect of the database behind a DataSource.
	 * @param dataSource the DataSource
	 * @return the dialect
	 * @throws IllegalStateException if the database is not supported
	 */
	static Dialect of(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.commonDatabaseName(
					JdbcUtils.extractDatabaseMetaData(dataSource, (metaData) -> metaData.getDatabaseProductName()));
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Could not detect the database of the TaskQueue DataSource", ex);
		}
		return forProduct(product);
	}

	/**
	 * Pick the dialect for a database product name.
	 * @param product the product name, as {@link JdbcUtils#commonDatabaseName} gives it
	 * @return the dialect
	 * @throws IllegalStateException if the database is not supported
	 */
	static Dialect forProduct(@Nullable String product) {
		if (product == null) {
			throw new IllegalStateException("Unsupported database 'unknown' for TaskQueue; supported: H2, PostgreSQL, MariaDB, MySQL");
		}
		return switch (product) {
			case "PostgreSQL" -> new PostgresDialect();
			case "H2" -> new H2Dialect();
			case "MariaDB" -> new MariaDbDialect();
			case "MySQL" -> new MySqlDialect();
			default -> throw new IllegalStateException(
					"Unsupported database '" + product + "' for TaskQueue; supported: H2, PostgreSQL, MariaDB, MySQL");
		};
	}

}

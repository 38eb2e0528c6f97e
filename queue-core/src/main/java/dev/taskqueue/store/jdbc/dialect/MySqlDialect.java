package dev.taskqueue.store.jdbc.dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionDefinition;

/**
 * MySQL 8.0.1 and later: a locking read, then an update. Ids are stored as text, instants as
 * {@code DATETIME(6)} in UTC.
 *
 * @since 0.1.0
 */
class MySqlDialect implements Dialect {

	@Override
	public String platform() {
		return "mysql";
	}

	@Override
	public ClaimShape claimShape() {
		return ClaimShape.LOCK_THEN_UPDATE;
	}

	@Override
	public int workerIsolation() {
		// REPEATABLE READ takes gap locks that make concurrent claimers wait for each other
		return TransactionDefinition.ISOLATION_READ_COMMITTED;
	}

	@Override
	public void setId(PreparedStatement ps, int index, UUID id) throws SQLException {
		ps.setString(index, id.toString());
	}

	@Override
	public UUID getId(ResultSet rs, String column) throws SQLException {
		return UUID.fromString(rs.getString(column));
	}

	@Override
	public void setInstant(PreparedStatement ps, int index, @Nullable Instant instant) throws SQLException {
		if (instant != null) {
			ps.setObject(index, LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
		}
		else {
			ps.setNull(index, Types.TIMESTAMP);
		}
	}

	@Override
	public @Nullable Instant getInstant(ResultSet rs, String column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	@Override
	public String currentTime() {
		// DATETIME carries no zone: read UTC, as instants are stored, not the session's zone
		return "SELECT UTC_TIMESTAMP(6) AS db_time";
	}

	@Override
	public String lockSchema() {
		// A named lock held by the connection, for at most ten minutes of waiting
		return "SELECT GET_LOCK(?, 600)";
	}

	@Override
	public String unlockSchema() {
		return "SELECT RELEASE_LOCK(?)";
	}

	@Override
	public int maxInsertTaskRows() {
		// One statement of a few rows commits on its own, in one round trip; a batch needs a
		// transaction around it, which is three more: autocommit off, commit, autocommit on
		return 16;
	}

	@Override
	public String lockParents() {
		return "SELECT id, status FROM %PREFIX%TASK WHERE id IN (%IDS%) LOCK IN SHARE MODE";
	}

	@Override
	public String claimLock() {
		// MySQL and MariaDB expect FOR UPDATE SKIP LOCKED after LIMIT
		return """
				SELECT id, type, queue, priority, run_at, attempts, attempt_base, payload, options, job_id
				FROM %PREFIX%TASK
				WHERE status = 'READY' AND queue = ? AND run_at <= ?
				ORDER BY priority DESC, run_at, id
				LIMIT ?
				FOR UPDATE SKIP LOCKED""";
	}

	@Override
	public String lockExpired() {
		return """
				SELECT id, type, queue, run_at, attempts, claim_token, attempt_base, payload, options, job_id
				FROM %PREFIX%TASK
				WHERE status = 'RUNNING' AND lease_until < ?
				ORDER BY lease_until
				LIMIT ?
				FOR UPDATE SKIP LOCKED""";
	}

	@Override
	public String insertTaskUnlessKeyHeld() {
		// The driver logs every error the server returns at WARN. The no-op update locks the
		// holder exclusively at once, so that enqueues waiting for the same key queue up
		// instead of deadlocking on upgrading shared locks.
		return insertTask() + "\nON DUPLICATE KEY UPDATE id = id";
	}

	@Override
	public String selectKeyHolders() {
		return "SELECT id, status, unique_key FROM %PREFIX%TASK WHERE active_key IN (%IDS%) LOCK IN SHARE MODE";
	}

	@Override
	public void setNullableId(PreparedStatement ps, int index, @Nullable UUID id) throws SQLException {
		ps.setString(index, (id != null) ? id.toString() : null);
	}

	@Override
	public @Nullable UUID getNullableId(ResultSet rs, String column) throws SQLException {
		String id = rs.getString(column);
		return (id != null) ? UUID.fromString(id) : null;
	}

	@Override
	public String selectActiveJobTask() {
		return "SELECT id FROM %PREFIX%TASK WHERE job_id = ? AND status IN ('READY', 'RUNNING') LIMIT 1";
	}

	@Override
	public String selectJobTasks(boolean withStatus) {
		return "SELECT " + TASK_COLUMNS + " FROM %PREFIX%TASK WHERE job_id = ?"
				+ (withStatus ? " AND status = ?" : "") + " ORDER BY created_at, id LIMIT ?, ?";
	}

	@Override
	public String lockDueSchedules() {
		return "SELECT " + SCHEDULE_COLUMNS + """
				 FROM %PREFIX%SCHEDULE WHERE paused = FALSE AND next_slot <= ?
				ORDER BY next_slot
				LIMIT ?
				FOR UPDATE SKIP LOCKED""";
	}

	@Override
	public String selectScheduleRuns() {
		return """
				SELECT s.slot_at, s.task_id, s.fired_at, t.status
				FROM %PREFIX%SCHEDULE_SLOT s LEFT JOIN %PREFIX%TASK t ON t.id = s.task_id
				WHERE s.schedule_name = ?
				ORDER BY s.slot_at DESC
				LIMIT ?""";
	}

	@Override
	public String selectUnsettledJobs() {
		return """
				SELECT j.id FROM %PREFIX%JOB j
				WHERE j.status = 'RUNNING' AND NOT EXISTS (
					SELECT 1 FROM %PREFIX%TASK t WHERE t.job_id = j.id AND t.status IN ('READY', 'RUNNING'))
				LIMIT ?""";
	}

	@Override
	public String firstRows() {
		return "LIMIT ?";
	}

	@Override
	public String rowAfter() {
		return "LIMIT 1 OFFSET ?";
	}

	@Override
	public String insertLeaseUnlessExists() {
		return "INSERT IGNORE INTO %PREFIX%LEASE (name, holder, lease_until) VALUES (?, ?, ?)";
	}

	@Override
	public String minuteOf(String column) {
		return "CAST(DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:00') AS DATETIME(6))";
	}

}

package dev.taskqueue.store.jdbc.dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.TransactionDefinition;

import dev.taskqueue.TaskStatus;

/**
 * The SQL of one database. Default methods hold ANSI statements with {@code %PREFIX%} for the
 * table prefix, {@code %IDS%} for a list of id placeholders and {@code %CLAIMS%} for a list of
 * {@code (id, claim token)} placeholder pairs; each database overrides only what differs.
 * <p>
 * A claim gives its tasks a claim token; every statement that renews, hands back or records
 * the outcome of an attempt matches its task's id and claim token, and every statement that
 * ends a running task clears the token, so that only the attempt holding the current claim can
 * end its task.
 *
 * @since 0.1.0
 */
public interface Dialect {

	/** The columns a {@link dev.taskqueue.TaskState} is read from. */
	String TASK_COLUMNS = """
			id, type, queue, status, priority, attempts, unique_key, job_id, payload, result, error_message,
				error_detail, created_at, run_at, started_at, worker, finished_at, schedule_name, schedule_slot, progress,
				progress_message, progress_at""";

	/** No unfinished child of task {@code t} waits for it. */
	String NO_UNFINISHED_CHILD = """
			NOT EXISTS (
					SELECT 1 FROM %PREFIX%TASK_PARENT p JOIN %PREFIX%TASK c ON c.id = p.child_id
					WHERE p.parent_id = t.id AND c.status IN ('WAITING', 'READY', 'RUNNING'))""";

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
	 * Bind task ids to consecutive parameters, as {@link #setId} binds one.
	 * @param ps the statement
	 * @param firstIndex the index of the first parameter
	 * @param ids the ids
	 * @throws SQLException on a driver error
	 */
	default void setIds(PreparedStatement ps, int firstIndex, List<UUID> ids) throws SQLException {
		for (int i = 0; i < ids.size(); i++) {
			setId(ps, firstIndex + i, ids.get(i));
		}
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
	 * Bind an id that may be missing.
	 * @param ps the statement
	 * @param index the parameter index
	 * @param id the id, or {@code null}
	 * @throws SQLException on a driver error
	 */
	default void setNullableId(PreparedStatement ps, int index, @Nullable UUID id) throws SQLException {
		if (id != null) {
			setId(ps, index, id);
		}
		else {
			ps.setNull(index, Types.OTHER);
		}
	}

	/**
	 * Read an id that may be missing.
	 * @param rs the result set
	 * @param column the column
	 * @return the id, or {@code null}
	 * @throws SQLException on a driver error
	 */
	default @Nullable UUID getNullableId(ResultSet rs, String column) throws SQLException {
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
	 * Return the statement that reads the database's current time, as column {@code db_time}
	 * that {@link #getInstant(ResultSet, String)} reads. It must tell the time of the moment
	 * it runs, not of its transaction's start, whatever the session's time zone.
	 * @return the current time statement
	 */
	default String currentTime() {
		return "SELECT CURRENT_TIMESTAMP(6) AS db_time";
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

	/**
	 * Return the statement that ends a connection's subscription to a channel, or {@code null}
	 * if the database cannot subscribe.
	 * @param channel the channel
	 * @return the unlisten statement, or {@code null}
	 */
	default @Nullable String unlistenSql(String channel) {
		return null;
	}

	/**
	 * Return the query that finds no task but tells the task table's columns.
	 * @return the query
	 */
	default String selectTaskColumns() {
		return "SELECT * FROM %PREFIX%TASK WHERE 1 = 0";
	}

	/**
	 * Return the query for the highest schema version the version table records.
	 * @return the query
	 */
	default String selectSchemaVersion() {
		return "SELECT MAX(version) FROM %PREFIX%SCHEMA_VERSION";
	}

	/**
	 * Return the statement that waits until no other connection upgrades the schema, with the
	 * lock's name as parameter, or {@code null} if the database has no such lock. Its result,
	 * when a number, is 1 once the lock is held.
	 * @return the lock statement, or {@code null}
	 */
	default @Nullable String lockSchema() {
		return null;
	}

	/**
	 * Return the statement that releases the lock of {@link #lockSchema()}, with the lock's
	 * name as parameter, or {@code null} if the lock ends with the transaction.
	 * @return the unlock statement, or {@code null}
	 */
	default @Nullable String unlockSchema() {
		return null;
	}

	/**
	 * Return whether schema changes take part in transactions, so that an upgrade applies
	 * whole or not at all.
	 * @return whether DDL is transactional
	 */
	default boolean transactionalDdl() {
		return false;
	}

	default String insertTask() {
		return insertTaskRows(1);
	}

	/**
	 * Insert the given number of tasks with one row of values each. Parameters: those of
	 * {@link #insertTask()} for each task, in order.
	 * @param count how many tasks, at most {@link #maxInsertTaskRows()}
	 * @return the statement
	 */
	default String insertTaskRows(int count) {
		return """
				INSERT INTO %PREFIX%TASK (id, type, queue, status, priority, run_at, attempts, attempt_base,
					pending_parents, payload, unique_key, options, job_id, created_at, finished_at, schedule_name,
					schedule_slot)
				VALUES\s""" + String.join(", ",
				Collections.nCopies(count, "(?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
	}

	/**
	 * Return the most tasks that one {@link #insertTaskRows(int)} inserts; more go to
	 * {@link #insertTasks()} where there is one.
	 * @return the most rows, at least 1
	 */
	default int maxInsertTaskRows() {
		return 1;
	}

	/**
	 * Insert more tasks than {@link #maxInsertTaskRows()} in one statement, or {@code null} to
	 * insert them as a JDBC batch of {@link #insertTask()}. Parameters: those of {@link #insertTask()}, each an array of
	 * text holding that column's value for every task, in order.
	 * @return the statement, or {@code null}
	 */
	default @Nullable String insertTasks() {
		return null;
	}

	/**
	 * Fold a wake-up of listening nodes into an insert, so that one round trip does both;
	 * {@code null} if the database cannot notify, or not within a statement. The statement
	 * returns a row. Parameters: the insert's, then those of {@link #notifySql()}.
	 * @param insert the insert
	 * @return the statement, or {@code null}
	 */
	default @Nullable String insertAndNotify(String insert) {
		return null;
	}

	default String insertParent() {
		return "INSERT INTO %PREFIX%TASK_PARENT (parent_id, child_id, even_if_failed) VALUES (?, ?, ?)";
	}

	/**
	 * Read and lock the unfinished tasks that hold the given unique keys. A locking read, so
	 * that it sees holders committed after the transaction's snapshot. Parameters: the keys,
	 * in place of {@code %IDS%}.
	 * @return the statement
	 */
	default String selectKeyHolders() {
		return "SELECT id, status, unique_key FROM %PREFIX%TASK WHERE active_key IN (%IDS%) FOR UPDATE";
	}

	/**
	 * Insert many tasks with unique keys in one statement, without an error for those whose
	 * key an unfinished task holds, or {@code null} to insert them as a JDBC batch of
	 * {@link #insertTaskUnlessKeyHeld()}, or where that is {@code null} of
	 * {@link #insertTask()}. Parameters: those of {@link #insertTasks()}.
	 * @return the statement, or {@code null}
	 */
	default @Nullable String insertTasksUnlessKeyHeld() {
		return null;
	}

	/**
	 * Insert a task with a unique key that an unfinished task may hold, without an error if
	 * one does, for a driver that logs every error the server returns; {@code null} where the
	 * insert raises a duplicate key error instead. Parameters: those of {@link #insertTask()}.
	 * @return the statement, or {@code null}
	 */
	default @Nullable String insertTaskUnlessKeyHeld() {
		return null;
	}

	/**
	 * Read the unfinished task that holds a unique key, on a connection of its own: it sees
	 * a holder committed after the snapshot of a caller's transaction. Parameters: the key.
	 * @return the statement
	 */
	default String selectCommittedKeyHolder() {
		return "SELECT id, status FROM %PREFIX%TASK WHERE active_key = ?";
	}

	/** Read and lock parents so that none completes unseen while its child is inserted. */
	default String lockParents() {
		return "SELECT id, status FROM %PREFIX%TASK WHERE id IN (%IDS%) FOR UPDATE";
	}

	/**
	 * The single claim statement, for {@link ClaimShape#UPDATE_RETURNING}. Parameters: worker,
	 * started at, lease until, claim token, queue, now, limit. It may be preceded by statements without
	 * parameters, sent in the same round trip: the claimed rows are its last result. It runs outside a
	 * transaction, so that it commits in the same round trip, and must not need one: what
	 * {@code SET LOCAL} would do takes {@code set_config(..., true)}, which holds until that commit.
	 * @return the statement
	 */
	default String claimReturning() {
		throw new UnsupportedOperationException(platform() + " does not claim with UPDATE ... RETURNING");
	}

	/**
	 * The claim statement of {@link #claimReturning()} that starts after a position in the
	 * claim order, within one priority: it does not walk the index entries of the tasks claimed
	 * before that position, which vacuum cannot remove while another transaction's snapshot
	 * still sees them. Parameters: worker, started at, lease until, claim token, queue, now,
	 * priority, run at, id, limit.
	 * @return the statement, or {@code null} if every claim starts at the head of the order
	 */
	default @Nullable String claimReturningAfter() {
		return null;
	}

	/**
	 * An insert of tasks followed by a claim of {@link #claimReturning()}, or of
	 * {@link #claimReturningAfter()} if it starts after a position, sent in one round trip and
	 * committed together, so that the claim sees the tasks: an enqueue on a node with room for
	 * them claims them without another round trip. That commit makes the insert durable, so the
	 * claim does not skip the wait for the WAL. Parameters: the insert's, then the claim's.
	 * @param insert the insert
	 * @param afterPosition whether the claim starts after a position
	 * @return the statements, or {@code null} if a claim cannot follow an insert in one round
	 * trip
	 */
	default @Nullable String insertThenClaim(String insert, boolean afterPosition) {
		return null;
	}

	/**
	 * The locking read of a claim. Parameters: queue, now, limit; or, with
	 * {@link ClaimShape#CANDIDATES_THEN_LOCK}, the candidate ids.
	 * @return the statement
	 */
	default String claimLock() {
		return """
				SELECT id, type, queue, priority, run_at, attempts, attempt_base, payload, options, job_id
				FROM %PREFIX%TASK
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

	/** Parameters: worker, started at, lease until, claim token, then the ids. */
	default String claimUpdate() {
		return """
				UPDATE %PREFIX%TASK SET status = 'RUNNING', attempts = attempts + 1, worker = ?, started_at = ?,
					lease_until = ?, claim_token = ?
				WHERE id IN (%IDS%)""";
	}

	/**
	 * Parameters: result, finished at, id, claim token. The worker stays: it names the node
	 * that ran the task, for operators.
	 * @return the statement
	 */
	default String completeSucceeded() {
		return """
				UPDATE %PREFIX%TASK SET status = 'SUCCEEDED', result = ?, finished_at = ?, lease_until = NULL,
					claim_token = NULL
				WHERE id = ? AND status = 'RUNNING' AND claim_token = ?""";
	}

	/**
	 * Parameters: run at, error message, error detail, id, claim token. A rescue reads a task
	 * claimed before claims had tokens as claim token 0, hence the {@code COALESCE}.
	 * @return the statement
	 */
	default String completeRetry() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', run_at = ?, error_message = ?, error_detail = ?,
					worker = NULL, lease_until = NULL, claim_token = NULL
				WHERE id = ? AND status = 'RUNNING' AND COALESCE(claim_token, 0) = ?""";
	}

	/** Parameters: task id, attempt, message, detail, failed at. */
	default String insertError() {
		return """
				INSERT INTO %PREFIX%TASK_ERROR (task_id, attempt, message, detail, failed_at)
				VALUES (?, ?, ?, ?, ?)""";
	}

	/** Parameters: lease until, worker, then the ids and claim tokens. */
	default String renewLeases() {
		return """
				UPDATE %PREFIX%TASK SET lease_until = ?
				WHERE status = 'RUNNING' AND worker = ? AND (id, claim_token) IN (%CLAIMS%)""";
	}

	/**
	 * The latest progress of a running attempt, under its claim, unless a later report was
	 * written already. Parameters: progress, message, reported at, task id, claim token,
	 * reported at.
	 * @return the statement
	 */
	default String writeProgress() {
		return """
				UPDATE %PREFIX%TASK SET progress = ?, progress_message = ?, progress_at = ?
				WHERE id = ? AND status = 'RUNNING' AND COALESCE(claim_token, 0) = ?
					AND (progress_at IS NULL OR progress_at <= ?)""";
	}

	/** Parameters: worker, then the ids and claim tokens. */
	default String selectHeld() {
		return "SELECT id FROM %PREFIX%TASK WHERE status = 'RUNNING' AND worker = ? AND (id, claim_token) IN (%CLAIMS%)";
	}

	/**
	 * Running tasks whose lease lapsed, locked for taking back. Parameters: now, limit.
	 * @return the statement
	 */
	default String lockExpired() {
		return """
				SELECT id, type, queue, run_at, attempts, claim_token, attempt_base, payload, options, job_id
				FROM %PREFIX%TASK
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

	/**
	 * Parameters: error message, error detail, finished at, id, claim token; as
	 * {@link #completeRetry()}.
	 * @return the statement
	 */
	default String completeFailed() {
		return """
				UPDATE %PREFIX%TASK SET status = 'FAILED', error_message = ?, error_detail = ?, finished_at = ?,
					lease_until = NULL, claim_token = NULL
				WHERE id = ? AND status = 'RUNNING' AND COALESCE(claim_token, 0) = ?""";
	}

	/** The children of the given parents, once per edge. Parameters: the parent ids. */
	default String selectChildren() {
		return "SELECT child_id FROM %PREFIX%TASK_PARENT WHERE parent_id IN (%IDS%)";
	}

	/**
	 * The children that run even if the given parents failed, once per edge. Parameters: the
	 * parent ids.
	 * @return the statement
	 */
	default String selectChildrenEvenIfFailed() {
		return "SELECT child_id FROM %PREFIX%TASK_PARENT WHERE even_if_failed = TRUE AND parent_id IN (%IDS%)";
	}

	/**
	 * Makes the waiting children that ran even if a parent failed wait for it again, now that
	 * it is retried. Parameters: the parent id.
	 * @return the statement
	 */
	default String holdChildrenEvenIfFailed() {
		return """
				UPDATE %PREFIX%TASK SET pending_parents = pending_parents + 1
				WHERE status = 'WAITING' AND id IN (
					SELECT child_id FROM %PREFIX%TASK_PARENT WHERE parent_id = ? AND even_if_failed = TRUE)""";
	}

	/**
	 * A succeeded attempt of a planner that runs again with a new payload, with fresh retries.
	 * Parameters: payload, result, run at, id, claim token.
	 * @return the statement
	 */
	default String completeRequeue() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', payload = ?, result = ?, run_at = ?, attempt_base = attempts,
					error_message = NULL, error_detail = NULL, worker = NULL, lease_until = NULL, claim_token = NULL
				WHERE id = ? AND status = 'RUNNING' AND claim_token = ?""";
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

	/**
	 * Puts a task back unstarted, due again later, without counting its attempt.
	 * Parameters: run at, id, claim token.
	 * @return the statement
	 */
	default String completePostponed() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', run_at = ?, attempts = attempts - 1, worker = NULL,
					lease_until = NULL, started_at = NULL, claim_token = NULL
				WHERE id = ? AND status = 'RUNNING' AND claim_token = ?""";
	}

	/** Parameters: worker, then the ids and claim tokens. */
	default String handBack() {
		return """
				UPDATE %PREFIX%TASK SET status = 'READY', attempts = attempts - 1, worker = NULL, lease_until = NULL,
					started_at = NULL, claim_token = NULL
				WHERE status = 'RUNNING' AND worker = ? AND (id, claim_token) IN (%CLAIMS%)""";
	}

	default String selectTask() {
		return "SELECT " + TASK_COLUMNS + " FROM %PREFIX%TASK WHERE id = ?";
	}

	/** Parameters: the child id. */
	default String selectParents() {
		return "SELECT parent_id, even_if_failed FROM %PREFIX%TASK_PARENT WHERE child_id = ?";
	}

	/** Parameters: the child ids. */
	default String selectParentsOf() {
		return "SELECT parent_id, child_id FROM %PREFIX%TASK_PARENT WHERE child_id IN (%IDS%)";
	}

	/** Parameters: the task ids. */
	default String selectErrorsOf() {
		return """
				SELECT task_id, attempt, message, detail, failed_at FROM %PREFIX%TASK_ERROR
				WHERE task_id IN (%IDS%) ORDER BY failed_at, attempt""";
	}

	/** Parameters: the child id. */
	default String selectParentResults() {
		return """
				SELECT t.id, t.type, t.status, t.result FROM %PREFIX%TASK_PARENT p JOIN %PREFIX%TASK t ON t.id = p.parent_id
				WHERE p.child_id = ?""";
	}

	default String lockTask() {
		return "SELECT status, job_id, type, queue FROM %PREFIX%TASK WHERE id = ? FOR UPDATE";
	}

	/** Parameters: finished at, then the ids. */
	default String cancel() {
		return """
				UPDATE %PREFIX%TASK SET status = 'CANCELLED', finished_at = ?, worker = NULL, lease_until = NULL,
					claim_token = NULL
				WHERE status IN ('WAITING', 'READY', 'RUNNING', 'FAILED') AND id IN (%IDS%)""";
	}

	/** Parameters: the parent ids. */
	default String selectWaitingChildren() {
		return """
				SELECT t.id FROM %PREFIX%TASK t JOIN %PREFIX%TASK_PARENT p ON p.child_id = t.id
				WHERE t.status = 'WAITING' AND p.parent_id IN (%IDS%)""";
	}

	/**
	 * Those of the given tasks still WAITING, locked, by primary key. Parameters: the ids.
	 * @return the statement
	 */
	default String lockWaitingTasks() {
		return """
				SELECT id, type, queue FROM %PREFIX%TASK WHERE id IN (%IDS%) AND status = 'WAITING'
				ORDER BY id
				FOR UPDATE""";
	}

	/** Parameters: status, pending parents, run at, id. */
	default String retry() {
		return """
				UPDATE %PREFIX%TASK SET status = ?, pending_parents = ?, run_at = ?, attempt_base = attempts,
					result = NULL, error_message = NULL, error_detail = NULL, started_at = NULL, finished_at = NULL
				WHERE id = ? AND status IN ('FAILED', 'CANCELLED')""";
	}

	/** Parameters: id, name, planner id, expected tasks, created at. */
	default String insertJob() {
		return """
				INSERT INTO %PREFIX%JOB (id, name, status, planner_id, expected_tasks, created_at)
				VALUES (?, ?, 'RUNNING', ?, ?, ?)""";
	}

	/** Parameters: job id, position, run on, type, queue, priority, payload, options. */
	default String insertJobCallback() {
		return """
				INSERT INTO %PREFIX%JOB_CALLBACK (job_id, position, run_on, type, queue, priority, payload, options)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
	}

	/** Parameters: job id. */
	default String selectJobStatus() {
		return "SELECT status FROM %PREFIX%JOB WHERE id = ?";
	}

	/** Parameters: job id. */
	default String lockJob() {
		return "SELECT status FROM %PREFIX%JOB WHERE id = ? FOR UPDATE";
	}

	/**
	 * Locks jobs in id order, so that two nodes settling the same jobs cannot deadlock.
	 * Parameters: the job ids.
	 * @return the statement
	 */
	default String lockJobs() {
		return "SELECT id, status, started_at FROM %PREFIX%JOB WHERE id IN (%IDS%) ORDER BY id FOR UPDATE";
	}

	/** Parameters: job id. */
	default String selectActiveJobTask() {
		return """
				SELECT id FROM %PREFIX%TASK WHERE job_id = ? AND status IN ('READY', 'RUNNING')
				FETCH FIRST 1 ROWS ONLY""";
	}

	/**
	 * How many unfinished tasks each queue holds per type and status, how many of them are
	 * due, and the earliest due time. Finished tasks, the bulk of the table, are left out, so
	 * that the status index skips them. Parameters: now.
	 * @return the statement
	 */
	default String countUnfinishedTasks() {
		return """
				SELECT queue, type, status, COUNT(*) AS tasks, SUM(CASE WHEN run_at <= ? THEN 1 ELSE 0 END) AS due,
					MIN(run_at) AS first_run_at
				FROM %PREFIX%TASK
				WHERE status IN ('WAITING', 'READY', 'RUNNING')
				GROUP BY queue, type, status""";
	}

	/** Parameters: job id. */
	default String countJobTasks() {
		return "SELECT status, COUNT(*) AS tasks FROM %PREFIX%TASK WHERE job_id = ? GROUP BY status";
	}

	/** Parameters: job id, the same again. */
	default String setJobStarted() {
		return """
				UPDATE %PREFIX%JOB SET started_at = (SELECT MIN(started_at) FROM %PREFIX%TASK WHERE job_id = ?)
				WHERE id = ? AND started_at IS NULL""";
	}

	/** Parameters: status, finished at, job id. */
	default String finishJob() {
		return "UPDATE %PREFIX%JOB SET status = ?, finished_at = ? WHERE id = ?";
	}

	/** Parameters: result, job id. */
	default String setJobResult() {
		return "UPDATE %PREFIX%JOB SET result = ? WHERE id = ?";
	}

	/** Parameters: job id, run on. */
	default String selectJobCallbacks() {
		return """
				SELECT type, queue, priority, payload, options FROM %PREFIX%JOB_CALLBACK
				WHERE job_id = ? AND run_on IN (?, 'COMPLETE') ORDER BY position""";
	}

	/** Parameters: job id. */
	default String selectJob() {
		return """
				SELECT j.name, j.status, j.planner_id, j.expected_tasks, j.result, j.created_at, j.started_at,
					j.finished_at, p.status AS planner_status
				FROM %PREFIX%JOB j LEFT JOIN %PREFIX%TASK p ON p.id = j.planner_id
				WHERE j.id = ?""";
	}

	/**
	 * A page of a job's tasks. Parameters: job id, then, if {@code withStatus}, the status, then
	 * offset and limit.
	 * @param withStatus whether to list only tasks in one status
	 * @return the statement
	 */
	default String selectJobTasks(boolean withStatus) {
		return "SELECT " + TASK_COLUMNS + " FROM %PREFIX%TASK WHERE job_id = ?"
				+ (withStatus ? " AND status = ?" : "") + " ORDER BY created_at, id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
	}

	/**
	 * A job's unfinished tasks, locked in id order, the order in which completions lock them.
	 * Parameters: job id.
	 * @return the statement
	 */
	default String lockUnfinishedJobTasks() {
		return """
				SELECT id, status, type, queue FROM %PREFIX%TASK
				WHERE job_id = ? AND status IN ('WAITING', 'READY', 'RUNNING')
				ORDER BY id
				FOR UPDATE""";
	}

	/** Parameters: job id. */
	default String selectFailedJobTasks() {
		return "SELECT id FROM %PREFIX%TASK WHERE job_id = ? AND status = 'FAILED' ORDER BY created_at, id";
	}

	/** Parameters: job id. */
	default String reopenJob() {
		return "UPDATE %PREFIX%JOB SET status = 'RUNNING', finished_at = NULL WHERE id = ? AND status = 'FAILED'";
	}

	/** Parameters: finished at, job id. */
	default String cancelJob() {
		return """
				UPDATE %PREFIX%JOB SET status = 'CANCELLED', finished_at = ?
				WHERE id = ? AND status IN ('RUNNING', 'FAILED')""";
	}

	/**
	 * Running jobs none of whose tasks is ready or running: their end may have gone unseen.
	 * Parameters: limit.
	 * @return the statement
	 */
	default String selectUnsettledJobs() {
		return """
				SELECT j.id FROM %PREFIX%JOB j
				WHERE j.status = 'RUNNING' AND NOT EXISTS (
					SELECT 1 FROM %PREFIX%TASK t WHERE t.job_id = j.id AND t.status IN ('READY', 'RUNNING'))
				FETCH FIRST ? ROWS ONLY""";
	}

	/** The columns a daemon's row is read from. */
	String DAEMON_COLUMNS = """
			name, desired_state, holder, lease_until, last_heartbeat, status, last_error, restarts, started_at,
				version""";

	default String selectDaemons() {
		return "SELECT " + DAEMON_COLUMNS + " FROM %PREFIX%DAEMON ORDER BY name";
	}

	/** Parameters: name. */
	default String selectDaemon() {
		return "SELECT " + DAEMON_COLUMNS + " FROM %PREFIX%DAEMON WHERE name = ?";
	}

	/** Parameters: name, desired state, status. */
	default String insertDaemon() {
		return """
				INSERT INTO %PREFIX%DAEMON (name, desired_state, status, restarts, version)
				VALUES (?, ?, ?, 0, 0)""";
	}

	/**
	 * Takes a daemon's lease if it should run, was not stopped or restarted since it was read,
	 * and no other node holds an unexpired lease on it. Parameters: holder, lease until, now
	 * (heartbeat), now (started at), name, version, now, holder.
	 * @return the statement
	 */
	default String acquireDaemon() {
		return """
				UPDATE %PREFIX%DAEMON SET holder = ?, lease_until = ?, last_heartbeat = ?, started_at = ?, status = 'RUNNING'
				WHERE name = ? AND desired_state = 'STARTED' AND version = ?
					AND (holder IS NULL OR lease_until < ? OR holder = ?)""";
	}

	/** Parameters: lease until, name, holder. */
	default String renewDaemon() {
		return "UPDATE %PREFIX%DAEMON SET lease_until = ? WHERE name = ? AND holder = ?";
	}

	/** Parameters: lease until, now, name, holder. */
	default String heartbeatDaemon() {
		return "UPDATE %PREFIX%DAEMON SET lease_until = ?, last_heartbeat = ? WHERE name = ? AND holder = ?";
	}

	/**
	 * A daemon's method ended while it should run: it waits to be restarted. Parameters: error,
	 * or {@code null} to keep the last one, name, holder.
	 * @return the statement
	 */
	default String daemonEnded() {
		return """
				UPDATE %PREFIX%DAEMON SET status = 'BACKING_OFF', last_error = COALESCE(?, last_error), restarts = restarts + 1
				WHERE name = ? AND holder = ?""";
	}

	/** Parameters: started at, heartbeat, name, holder. */
	default String daemonRestarted() {
		return """
				UPDATE %PREFIX%DAEMON SET status = 'RUNNING', started_at = ?, last_heartbeat = ?
				WHERE name = ? AND holder = ?""";
	}

	/** Parameters: name, holder. */
	default String releaseDaemon() {
		return """
				UPDATE %PREFIX%DAEMON SET holder = NULL, lease_until = NULL,
					status = CASE WHEN desired_state = 'STARTED' THEN 'WAITING' ELSE 'STOPPED' END
				WHERE name = ? AND holder = ?""";
	}

	/** Parameters: name. */
	default String startDaemon() {
		return """
				UPDATE %PREFIX%DAEMON SET status = CASE WHEN status = 'STOPPED' THEN 'WAITING' ELSE status END,
					desired_state = 'STARTED'
				WHERE name = ?""";
	}

	/**
	 * A new version tells the holder to stop, and a daemon no live node holds is stopped at
	 * once. The version is assigned first: MySQL assigns left to right. Parameters: now, name.
	 * @return the statement
	 */
	default String stopDaemon() {
		return """
				UPDATE %PREFIX%DAEMON SET version = version + 1,
					status = CASE WHEN holder IS NULL OR lease_until < ? THEN 'STOPPED' ELSE status END,
					desired_state = 'STOPPED'
				WHERE name = ?""";
	}

	/** A new version tells the holder to stop, and the daemon to run anew. Parameters: name. */
	default String restartDaemon() {
		return """
				UPDATE %PREFIX%DAEMON SET version = version + 1,
					status = CASE WHEN status = 'STOPPED' THEN 'WAITING' ELSE status END,
					desired_state = 'STARTED'
				WHERE name = ?""";
	}

	/** The columns a {@link dev.taskqueue.node.NodeInfo} is read from. */
	String NODE_COLUMNS = """
			id, host, pid, started_at, lanes, tasks_running, heartbeat_interval_ms, last_heartbeat, expires_at""";

	/**
	 * Register a node. Parameters: id, instance, host, pid, started at, lanes, heartbeat
	 * interval in milliseconds, last heartbeat, expires at.
	 * @return the statement
	 */
	default String insertNode() {
		return """
				INSERT INTO %PREFIX%NODE (id, instance, host, pid, started_at, lanes, tasks_running, heartbeat_interval_ms,
					last_heartbeat, expires_at)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""";
	}

	/**
	 * Take over the id of a node whose heartbeat lapsed, by compare-and-set on its expiry.
	 * Parameters: those of {@link #insertNode()} but the id, then the id and now.
	 * @return the statement
	 */
	default String takeOverNode() {
		return """
				UPDATE %PREFIX%NODE SET instance = ?, host = ?, pid = ?, started_at = ?, lanes = ?, tasks_running = 0,
					heartbeat_interval_ms = ?, last_heartbeat = ?, expires_at = ?
				WHERE id = ? AND expires_at < ?""";
	}

	/**
	 * Parameters: tasks running, last heartbeat, expires at, id, instance.
	 * @return the statement
	 */
	default String heartbeatNode() {
		return """
				UPDATE %PREFIX%NODE SET tasks_running = ?, last_heartbeat = ?, expires_at = ?
				WHERE id = ? AND instance = ?""";
	}

	/** Parameters: id, instance. */
	default String deleteNode() {
		return "DELETE FROM %PREFIX%NODE WHERE id = ? AND instance = ?";
	}

	/** Parameters: now. */
	default String deleteExpiredNodes() {
		return "DELETE FROM %PREFIX%NODE WHERE expires_at < ?";
	}

	/** Parameters: id. */
	default String selectNode() {
		return "SELECT " + NODE_COLUMNS + " FROM %PREFIX%NODE WHERE id = ?";
	}

	/** Parameters: now. */
	default String selectLiveNodes() {
		return "SELECT " + NODE_COLUMNS + " FROM %PREFIX%NODE WHERE expires_at >= ? ORDER BY id";
	}

	/**
	 * The clause that limits a query to its first rows, its last parameter.
	 * @return the clause
	 */
	default String firstRows() {
		return "FETCH FIRST ? ROWS ONLY";
	}

	/**
	 * Finished tasks outside jobs of one status that finished before a time and that no
	 * unfinished child waits for, up to a limit: an unlocked read whose ids
	 * {@link #lockExpiredTasks()} then locks. Parameters: status, finished before, then the
	 * type if {@code oneType}, else the {@code otherTypes} types the tasks are not of, then the
	 * limit.
	 * @param oneType whether to select tasks of one type
	 * @param otherTypes how many types to leave out, when not of one type
	 * @return the statement
	 */
	default String selectExpiredTasks(boolean oneType, int otherTypes) {
		String types = oneType ? " AND t.type = ?"
				: (otherTypes > 0) ? " AND t.type NOT IN (" + String.join(", ", Collections.nCopies(otherTypes, "?")) + ")"
						: "";
		return "SELECT t.id FROM %PREFIX%TASK t\nWHERE t.status = ? AND t.finished_at < ? AND t.job_id IS NULL" + types
				+ "\n\tAND " + NO_UNFINISHED_CHILD + "\n" + firstRows();
	}

	/**
	 * Lock, in id order, those of the given tasks that are still finished, outside jobs,
	 * finished before a time, and needed by no unfinished child. Parameters: status, finished
	 * before, then the ids.
	 * @return the statement
	 */
	default String lockExpiredTasks() {
		return "SELECT t.id FROM %PREFIX%TASK t\n"
				+ "WHERE t.status = ? AND t.finished_at < ? AND t.job_id IS NULL AND t.id IN (%IDS%)\n"
				+ "\tAND " + NO_UNFINISHED_CHILD + "\nORDER BY t.id\nFOR UPDATE";
	}

	/** Parameters: the task ids. */
	default String deleteTaskErrors() {
		return "DELETE FROM %PREFIX%TASK_ERROR WHERE task_id IN (%IDS%)";
	}

	/** The edges from and to the given tasks. Parameters: the task ids, the same again. */
	default String deleteTaskEdges() {
		return "DELETE FROM %PREFIX%TASK_PARENT WHERE parent_id IN (%IDS%) OR child_id IN (%IDS%)";
	}

	/** The schedule slots the given tasks were fired for. Parameters: the task ids. */
	default String selectFiredSlots() {
		return "SELECT schedule_name, schedule_slot FROM %PREFIX%TASK WHERE id IN (%IDS%) AND schedule_name IS NOT NULL";
	}

	/** Parameters: schedule name, slot. */
	default String deleteFiredSlot() {
		return "DELETE FROM %PREFIX%SCHEDULE_SLOT WHERE schedule_name = ? AND slot_at = ?";
	}

	/** Parameters: the task ids. */
	default String deleteTasks() {
		return "DELETE FROM %PREFIX%TASK WHERE id IN (%IDS%)";
	}

	/**
	 * Jobs that ended in one status before a time, none of whose tasks an unfinished task
	 * outside the job waits for. Parameters: status, finished before, limit.
	 * @return the statement
	 */
	default String selectExpiredJobs() {
		return """
				SELECT j.id FROM %PREFIX%JOB j
				WHERE j.status = ? AND j.finished_at < ? AND NOT EXISTS (
					SELECT 1 FROM %PREFIX%TASK t
					JOIN %PREFIX%TASK_PARENT p ON p.parent_id = t.id
					JOIN %PREFIX%TASK c ON c.id = p.child_id
					WHERE t.job_id = j.id AND c.status IN ('WAITING', 'READY', 'RUNNING')
						AND (c.job_id IS NULL OR c.job_id <> j.id))
				""" + firstRows();
	}

	/**
	 * Lock a job if it still ended in a status before a time. Parameters: job id, status,
	 * finished before.
	 * @return the statement
	 */
	default String lockExpiredJob() {
		return "SELECT id FROM %PREFIX%JOB WHERE id = ? AND status = ? AND finished_at < ? FOR UPDATE";
	}

	/** Parameters: job id, limit. */
	default String selectJobTaskIds() {
		return "SELECT id FROM %PREFIX%TASK WHERE job_id = ? " + firstRows();
	}

	/** Parameters: job id. */
	default String deleteJobCallbacks() {
		return "DELETE FROM %PREFIX%JOB_CALLBACK WHERE job_id = ?";
	}

	/** Parameters: job id. */
	default String deleteJob() {
		return "DELETE FROM %PREFIX%JOB WHERE id = ?";
	}

	/**
	 * Take or renew a named lease: it is free, lapsed, or held by the same holder.
	 * Parameters: holder, lease until, name, holder, now.
	 * @return the statement
	 */
	default String takeLease() {
		return """
				UPDATE %PREFIX%LEASE SET holder = ?, lease_until = ?
				WHERE name = ? AND (holder = ? OR lease_until < ?)""";
	}

	/**
	 * Create a named lease held by a holder, without an error where it exists, or
	 * {@code null} where inserting it raises a duplicate key error then. Parameters: name,
	 * holder, lease until.
	 * @return the statement
	 */
	default @Nullable String insertLeaseUnlessExists() {
		return null;
	}

	/** Parameters: name, holder, lease until. */
	default String insertLease() {
		return "INSERT INTO %PREFIX%LEASE (name, holder, lease_until) VALUES (?, ?, ?)";
	}

	/**
	 * End a lease its holder holds, so that another can take it at once. Parameters: now, name,
	 * holder.
	 * @return the statement
	 */
	default String releaseLease() {
		return "UPDATE %PREFIX%LEASE SET lease_until = ? WHERE name = ? AND holder = ?";
	}

	/** The columns a stored schedule is read from. */
	String SCHEDULE_COLUMNS = """
			name, type, payload, queue, priority, cron, fixed_rate, zone, paused, misfire_mode, misfire_cap,
				misfire_window, overlap, declared, last_slot, next_slot, version, created_at, updated_at""";

	/**
	 * Parameters: name, type, payload, queue, priority, cron, fixed rate, zone, paused, misfire
	 * mode, cap and window, overlap, declared, next slot, created at, updated at.
	 * @return the statement
	 */
	default String insertSchedule() {
		return """
				INSERT INTO %PREFIX%SCHEDULE (name, type, payload, queue, priority, cron, fixed_rate, zone, paused,
					misfire_mode, misfire_cap, misfire_window, overlap, declared, last_slot, next_slot, version,
					created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, ?, ?)""";
	}

	/**
	 * Replace a schedule's definition, if its version is still the one read. Parameters: type,
	 * payload, queue, priority, cron, fixed rate, zone, paused, misfire mode, cap and window,
	 * overlap, declared, next slot, updated at, name, version.
	 * @return the statement
	 */
	default String updateSchedule() {
		return """
				UPDATE %PREFIX%SCHEDULE SET type = ?, payload = ?, queue = ?, priority = ?, cron = ?, fixed_rate = ?,
					zone = ?, paused = ?, misfire_mode = ?, misfire_cap = ?, misfire_window = ?, overlap = ?, declared = ?,
					next_slot = ?, version = version + 1, updated_at = ?
				WHERE name = ? AND version = ?""";
	}

	/**
	 * Move a schedule on to its next slot, if its version is still the one read. Parameters:
	 * last slot, next slot, updated at, name, version.
	 * @return the statement
	 */
	default String advanceSchedule() {
		return """
				UPDATE %PREFIX%SCHEDULE SET last_slot = ?, next_slot = ?, version = version + 1, updated_at = ?
				WHERE name = ? AND version = ?""";
	}

	/**
	 * Pause or resume a schedule, if its version is still the one read. Parameters: paused,
	 * next slot, updated at, name, version.
	 * @return the statement
	 */
	default String pauseSchedule() {
		return """
				UPDATE %PREFIX%SCHEDULE SET paused = ?, next_slot = ?, version = version + 1, updated_at = ?
				WHERE name = ? AND version = ?""";
	}

	/**
	 * Lock a schedule's row and move its version on, so that writers of its slots take turns.
	 * Parameters: updated at, name.
	 * @return the statement
	 */
	default String touchSchedule() {
		return "UPDATE %PREFIX%SCHEDULE SET version = version + 1, updated_at = ? WHERE name = ?";
	}

	/** Parameters: name. */
	default String selectSchedule() {
		return "SELECT " + SCHEDULE_COLUMNS + " FROM %PREFIX%SCHEDULE WHERE name = ?";
	}

	default String selectSchedules() {
		return "SELECT " + SCHEDULE_COLUMNS + " FROM %PREFIX%SCHEDULE ORDER BY name";
	}

	/**
	 * Lock the active schedules whose next slot has come, soonest first, from the index on
	 * {@code (paused, next_slot)}, skipping those another transaction has locked. H2 locks
	 * every due row before the limit applies, so there one node at a time fires them, which
	 * is still each slot once. Parameters: now, limit.
	 * @return the statement
	 */
	default String lockDueSchedules() {
		return "SELECT " + SCHEDULE_COLUMNS + """
				 FROM %PREFIX%SCHEDULE WHERE paused = FALSE AND next_slot <= ?
				ORDER BY next_slot
				FETCH FIRST ? ROWS ONLY
				FOR UPDATE SKIP LOCKED""";
	}

	/** Parameters: name. */
	default String deleteSchedule() {
		return "DELETE FROM %PREFIX%SCHEDULE WHERE name = ?";
	}

	/** Parameters: name, version read. */
	default String deleteScheduleOfVersion() {
		return "DELETE FROM %PREFIX%SCHEDULE WHERE name = ? AND version = ?";
	}

	/** Parameters: schedule name. */
	default String deleteScheduleSlots() {
		return "DELETE FROM %PREFIX%SCHEDULE_SLOT WHERE schedule_name = ?";
	}

	/**
	 * Record a fired slot; its primary key refuses a slot fired before. Parameters: schedule
	 * name, slot, task id, fired at.
	 * @return the statement
	 */
	default String insertScheduleSlot() {
		return "INSERT INTO %PREFIX%SCHEDULE_SLOT (schedule_name, slot_at, task_id, fired_at) VALUES (?, ?, ?, ?)";
	}

	/**
	 * A schedule's fired slots with their tasks' statuses, latest first. Parameters: schedule
	 * name, limit.
	 * @return the statement
	 */
	default String selectScheduleRuns() {
		return """
				SELECT s.slot_at, s.task_id, s.fired_at, t.status
				FROM %PREFIX%SCHEDULE_SLOT s LEFT JOIN %PREFIX%TASK t ON t.id = s.task_id
				WHERE s.schedule_name = ?
				ORDER BY s.slot_at DESC
				FETCH FIRST ? ROWS ONLY""";
	}

	/**
	 * Each schedule's latest fired slot with its task's status, found through the slot table's
	 * primary key. No parameters.
	 * @return the statement
	 */
	default String selectLatestScheduleRuns() {
		return """
				SELECT s.schedule_name, s.slot_at, s.task_id, s.fired_at, t.status
				FROM %PREFIX%SCHEDULE_SLOT s LEFT JOIN %PREFIX%TASK t ON t.id = s.task_id
				WHERE s.slot_at = (SELECT MAX(m.slot_at) FROM %PREFIX%SCHEDULE_SLOT m WHERE m.schedule_name = s.schedule_name)""";
	}

	/**
	 * The slots of some schedules recorded from an instant on. Parameters: the schedule
	 * names, then the instant.
	 * @return the statement
	 */
	default String selectRecordedSlots() {
		return "SELECT schedule_name, slot_at FROM %PREFIX%SCHEDULE_SLOT WHERE schedule_name IN (%IDS%) AND slot_at >= ?";
	}

	/** Parameters: schedule name, from (inclusive), to (exclusive). */
	default String selectScheduleSlots() {
		return "SELECT slot_at FROM %PREFIX%SCHEDULE_SLOT WHERE schedule_name = ? AND slot_at >= ? AND slot_at < ?";
	}

	/** The columns of a task in a list: neither payload, result nor error detail. */
	String TASK_SUMMARY_COLUMNS = """
			id, type, queue, status, priority, attempts, run_at, created_at, started_at, finished_at, job_id, worker,
				error_message, progress, progress_message, progress_at""";

	/**
	 * A page of tasks, newest first: those in the given status that meet every given
	 * condition, each bound to one parameter in the conditions' order, then the limit.
	 * @param status the status, or {@code null} for every status
	 * @param conditions the conditions
	 * @return the statement
	 */
	default String browseTasks(@Nullable TaskStatus status, Set<TaskCondition> conditions) {
		Set<String> sql = new LinkedHashSet<>();
		if (status != null) {
			sql.add(statusCondition(status));
		}
		conditions.forEach((condition) -> sql.add(condition.sql()));
		return "SELECT " + TASK_SUMMARY_COLUMNS + " FROM %PREFIX%TASK" + where(sql, (condition) -> condition)
				+ " ORDER BY id DESC " + firstRows();
	}

	/**
	 * The id a number of rows below an id, newest first: where a window of the table that a task
	 * list reads ends, found in an index alone. The rows are all tasks, or for a status whose
	 * tasks an index holds in id order, those of its {@link #windowRows(TaskStatus) rows}.
	 * Parameters: the id if {@code belowId}, then the number of rows.
	 * @param status the status the list is filtered by, or {@code null}
	 * @param belowId whether the rows start below an id rather than at the newest
	 * @return the statement
	 */
	default String selectWindowStart(@Nullable TaskStatus status, boolean belowId) {
		Set<String> conditions = new LinkedHashSet<>();
		String rows = (status != null) ? windowRows(status) : null;
		if (rows != null) {
			conditions.add(rows);
		}
		if (belowId) {
			conditions.add("id < ?");
		}
		return "SELECT id FROM %PREFIX%TASK" + where(conditions, (sql) -> sql) + " ORDER BY id DESC " + rowAfter();
	}

	/**
	 * Return the condition of an index in id order that holds the tasks of a status, so that
	 * a list of that status reads windows of its entries rather than of the whole table.
	 * @param status the status
	 * @return the index's condition, or {@code null} if no such index exists
	 */
	default @Nullable String windowRows(TaskStatus status) {
		return null;
	}

	/**
	 * The clause that limits a query to the one row after a number of rows, its last parameter.
	 * @return the clause
	 */
	default String rowAfter() {
		return "OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY";
	}

	/**
	 * Return the condition that selects the tasks in a status. The status is written into the
	 * statement, not bound, so that the database can choose the partial index of that status
	 * for every execution; it is one of the enum's names, never text from a request.
	 * @param status the status
	 * @return the condition
	 */
	default String statusCondition(TaskStatus status) {
		return "status = '" + status.name() + "'";
	}

	/** Parameters: the task id. */
	default String selectTaskOptions() {
		return "SELECT options FROM %PREFIX%TASK WHERE id = ?";
	}

	/** The tasks a task waits for. Parameters: the task id. */
	default String selectParentLinks() {
		return """
				SELECT t.id, t.type, t.status FROM %PREFIX%TASK_PARENT p JOIN %PREFIX%TASK t ON t.id = p.parent_id
				WHERE p.child_id = ? ORDER BY t.id""";
	}

	/** The tasks that wait for a task. Parameters: the task id. */
	default String selectChildLinks() {
		return """
				SELECT t.id, t.type, t.status FROM %PREFIX%TASK_PARENT p JOIN %PREFIX%TASK t ON t.id = p.child_id
				WHERE p.parent_id = ? ORDER BY t.id""";
	}

	/** The edges that touch the given tasks. Parameters: the task ids, then the same again. */
	default String selectEdgesOf() {
		return """
				SELECT parent_id, child_id, even_if_failed FROM %PREFIX%TASK_PARENT
				WHERE parent_id IN (%IDS%) OR child_id IN (%IDS%)""";
	}

	/** Parameters: the task ids. */
	default String selectTaskLinks() {
		return "SELECT id, type, status FROM %PREFIX%TASK WHERE id IN (%IDS%)";
	}

	/**
	 * A page of jobs, newest first. Parameters: the status if {@code withStatus}, the id to
	 * list jobs before if {@code afterId}, then the limit.
	 * @param withStatus whether to list only jobs in one status
	 * @param afterId whether to list only jobs older than a given one
	 * @return the statement
	 */
	default String browseJobs(boolean withStatus, boolean afterId) {
		Set<String> conditions = new LinkedHashSet<>();
		if (withStatus) {
			conditions.add("j.status = ?");
		}
		if (afterId) {
			conditions.add("j.id < ?");
		}
		return """
				SELECT j.id, j.name, j.status, j.expected_tasks, j.result, j.created_at, j.started_at, j.finished_at,
					p.status AS planner_status
				FROM %PREFIX%JOB j LEFT JOIN %PREFIX%TASK p ON p.id = j.planner_id""" + where(conditions, (sql) -> sql)
				+ " ORDER BY j.id DESC " + firstRows();
	}

	/** Parameters: the job ids. */
	default String countTasksOfJobs() {
		return """
				SELECT job_id, status, COUNT(*) AS tasks FROM %PREFIX%TASK
				WHERE job_id IN (%IDS%) GROUP BY job_id, status""";
	}

	/**
	 * Tasks that finished since a time, per minute ({@code minute_at}) and status. Parameters:
	 * since, as many times as the statement has parameters.
	 * @return the statement
	 */
	default String countFinishedPerMinute() {
		return "SELECT " + minuteOf("finished_at") + """
				 AS minute_at, status, COUNT(*) AS tasks FROM %PREFIX%TASK
				WHERE finished_at >= ? AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
				GROUP BY minute_at, status""";
	}

	/**
	 * Return an expression of the minute a time column falls in, as a time.
	 * @param column the column
	 * @return the expression
	 */
	default String minuteOf(String column) {
		return "DATE_TRUNC('MINUTE', " + column + ")";
	}

	/** Parameters: id, recorded at, user name, action, target, tasks, detail. */
	default String insertAuditEntry() {
		return """
				INSERT INTO %PREFIX%AUDIT (id, recorded_at, user_name, action, target, tasks, detail)
				VALUES (?, ?, ?, ?, ?, ?, ?)""";
	}

	/**
	 * A page of audit entries, newest first. Parameters: the id to list entries before if
	 * {@code afterId}, then the limit.
	 * @param afterId whether to list only entries older than a given one
	 * @return the statement
	 */
	default String browseAuditEntries(boolean afterId) {
		return "SELECT id, recorded_at, user_name, action, target, tasks, detail FROM %PREFIX%AUDIT"
				+ (afterId ? " WHERE id < ?" : "") + " ORDER BY id DESC " + firstRows();
	}

	private static <T> String where(Set<T> conditions, Function<T, String> sql) {
		return conditions.isEmpty() ? ""
				: conditions.stream().map(sql).collect(Collectors.joining(" AND ", " WHERE ", ""));
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

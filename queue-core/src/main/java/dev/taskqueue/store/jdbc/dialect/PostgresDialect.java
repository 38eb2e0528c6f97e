package dev.taskqueue.store.jdbc.dialect;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PGobject;
import org.springframework.util.ClassUtils;

import dev.taskqueue.TaskStatus;

/**
 * PostgreSQL: claims in one statement and wakes other nodes with {@code NOTIFY}.
 *
 * @since 0.1.0
 */
class PostgresDialect implements Dialect {

	/** A row comparison on the ready index's trailing columns: a range the index starts at. */
	private static final String AFTER_POSITION = "AND priority = ? AND (run_at, id) > (?, ?)";

	/** Whether pgjdbc is on the class path; without it, instants are bound the default way. */
	private static final boolean PGJDBC = ClassUtils.isPresent("org.postgresql.util.PGobject",
			PostgresDialect.class.getClassLoader());

	/** Instants between these have four digits of year in ISO 8601, which PostgreSQL reads as written. */
	private static final Instant FIRST_FOUR_DIGIT_YEAR = Instant.parse("0001-01-01T00:00:00Z");

	private static final Instant LAST_FOUR_DIGIT_YEAR = Instant.parse("9999-12-31T23:59:59.999999Z");

	private final InstantText instantText = new InstantText();

	@Override
	public String platform() {
		return "postgresql";
	}

	@Override
	public ClaimShape claimShape() {
		return ClaimShape.UPDATE_RETURNING;
	}

	/**
	 * Binds the instant as {@code timestamptz} text formatted once per distinct instant, rather
	 * than through the driver's conversion of an {@code OffsetDateTime} per parameter, which
	 * costs an enqueue of ten tasks more CPU than any other part of its binding.
	 */
	@Override
	public void setInstant(PreparedStatement ps, int index, @Nullable Instant instant) throws SQLException {
		if (instant == null || !PGJDBC || instant.isBefore(FIRST_FOUR_DIGIT_YEAR) || instant.isAfter(LAST_FOUR_DIGIT_YEAR)) {
			Dialect.super.setInstant(ps, index, instant);
			return;
		}
		PGobject value = new PGobject();
		value.setType("timestamptz");
		value.setValue(this.instantText.of(instant));
		ps.setObject(index, value);
	}

	@Override
	public String currentTime() {
		// now() is the time the transaction started
		return "SELECT clock_timestamp() AS db_time";
	}

	@Override
	public String notifySql() {
		return "SELECT pg_notify(?, ?)";
	}

	@Override
	public int maxInsertTaskRows() {
		// A few rows of typed parameters cost the server less than unpacking and casting an array
		// per column; each row count is a statement of its own, prepared once per connection
		return 16;
	}

	@Override
	public String insertTasks() {
		// One array per column: the same text at any batch size, so that the driver prepares
		// it once per connection and has no batch to rewrite
		return """
				INSERT INTO %PREFIX%TASK (id, type, queue, status, priority, run_at, attempts, attempt_base,
					pending_parents, payload, unique_key, options, job_id, created_at, finished_at, schedule_name,
					schedule_slot)
				SELECT id, type, queue, status, priority, run_at, 0, 0, pending_parents, payload, unique_key, options,
					job_id, created_at, finished_at, schedule_name, schedule_slot
				FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::timestamptz[], ?::int[],
					?::text[], ?::varchar[], ?::text[], ?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::varchar[],
					?::timestamptz[])
					AS t (id, type, queue, status, priority, run_at, pending_parents, payload, unique_key, options, job_id,
						created_at, finished_at, schedule_name, schedule_slot)""";
	}

	@Override
	public String insertAndNotify(String insert) {
		// A data-modifying CTE runs whether or not the query reads it
		return "WITH inserted AS (" + insert + ")\nSELECT pg_notify(?, ?)";
	}

	@Override
	public String listenSql(String channel) {
		return "LISTEN " + quotedChannel(channel);
	}

	@Override
	public String unlistenSql(String channel) {
		return "UNLISTEN " + quotedChannel(channel);
	}

	private static String quotedChannel(String channel) {
		return "\"" + channel.replace("\"", "") + "\"";
	}

	@Override
	public String lockSchema() {
		return "SELECT pg_advisory_xact_lock(hashtext(?))";
	}

	@Override
	public boolean transactionalDdl() {
		return true;
	}

	@Override
	public String lockParents() {
		// A share lock is enough to make a parent's completion wait for the child's insert
		return "SELECT id, status FROM %PREFIX%TASK WHERE id IN (%IDS%) FOR SHARE";
	}

	@Override
	public String claimReturning() {
		return claimReturning("", false);
	}

	@Override
	public String claimReturningAfter() {
		return claimReturning(AFTER_POSITION, false);
	}

	@Override
	public String insertThenClaim(String insert, boolean afterPosition) {
		// Each statement of the round trip reads what the ones before it wrote
		return insert + ";\n" + claimReturning(afterPosition ? AFTER_POSITION : "", true);
	}

	/**
	 * A claim lost in a server crash only makes its task ready again, which at-least-once
	 * execution allows, so claims need not wait for the WAL flush, unless durable: a claim that
	 * commits an insert with it waits as the insert would alone. The completion that follows
	 * a claim flushes the WAL up to it, and the claim token keeps the attempt whose claim was
	 * lost from ending a later claim's attempt. = ANY(ARRAY(SELECT ...)) runs the limited,
	 * locking sub-select once, as a fence, and finds its ids by primary key. A plan made anew
	 * for each claim sees the table's size now: a generic plan cached while the table was small
	 * and without statistics scans all of it once it has grown. The claim runs outside a
	 * transaction block and commits when its round trip ends, so the settings go through
	 * {@code set_config(..., true)}, which holds until then: {@code SET LOCAL} would warn there.
	 */
	private static String claimReturning(String condition, boolean durable) {
		return (durable ? "SELECT " : "SELECT set_config('synchronous_commit', 'off', true), ") + """
				set_config('plan_cache_mode', 'force_custom_plan', true);
				UPDATE %PREFIX%TASK SET status = 'RUNNING', attempts = attempts + 1, worker = ?, started_at = ?,
					lease_until = ?, claim_token = ?
				WHERE id = ANY(ARRAY(
					SELECT id FROM %PREFIX%TASK
					WHERE status = 'READY' AND queue = ? AND run_at <= ? CONDITION
					ORDER BY priority DESC, run_at, id
					LIMIT ?
					FOR UPDATE SKIP LOCKED))
				RETURNING id, type, queue, priority, run_at, attempts, attempt_base, payload, options, job_id"""
			.replace(" CONDITION", condition.isEmpty() ? "" : " " + condition);
	}

	/**
	 * Each unfinished status through its partial index: the status index holds finished rows
	 * only, so {@code status IN (...)} would scan the whole table, finished rows and all. The
	 * due time of WAITING tasks is not read, as it does not make them due.
	 */
	@Override
	public String countUnfinishedTasks() {
		return """
				SELECT queue, type, status, COUNT(*) AS tasks, SUM(CASE WHEN run_at <= ? THEN 1 ELSE 0 END) AS due,
					MIN(run_at) AS first_run_at
				FROM (
					SELECT queue, type, status, run_at FROM %PREFIX%TASK WHERE status = 'READY'
					UNION ALL
					SELECT queue, type, status, run_at FROM %PREFIX%TASK WHERE lease_until IS NOT NULL AND status = 'RUNNING'
					UNION ALL
					SELECT queue, type, status, NULL FROM %PREFIX%TASK WHERE status = 'WAITING'
				) unfinished
				GROUP BY queue, type, status""";
	}

	@Override
	public String selectKeyHolders() {
		// The predicate of the partial unique index, so that the index answers
		return """
				SELECT id, status, unique_key FROM %PREFIX%TASK
				WHERE unique_key IN (%IDS%) AND status IN ('WAITING', 'READY', 'RUNNING')
				FOR SHARE""";
	}

	@Override
	public String insertTasksUnlessKeyHeld() {
		// The conflict target names the partial unique index by its columns and predicate
		return insertTasks() + """

				ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND status IN ('WAITING', 'READY', 'RUNNING')
				DO NOTHING""";
	}

	@Override
	public String selectCommittedKeyHolder() {
		return """
				SELECT id, status FROM %PREFIX%TASK
				WHERE unique_key = ? AND status IN ('WAITING', 'READY', 'RUNNING')""";
	}

	@Override
	public String insertLeaseUnlessExists() {
		return "INSERT INTO %PREFIX%LEASE (name, holder, lease_until) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING";
	}

	@Override
	public String countFinishedPerMinute() {
		// Each branch names the predicate of a partial index: the finished tasks outside jobs,
		// then those in jobs, so that neither reads the table's unfinished rows
		return """
				SELECT DATE_TRUNC('minute', finished_at) AS minute_at, status, COUNT(*) AS tasks
				FROM (
					SELECT status, finished_at FROM %PREFIX%TASK
					WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND finished_at >= ?
						AND finished_at IS NOT NULL AND job_id IS NULL
					UNION ALL
					SELECT status, finished_at FROM %PREFIX%TASK
					WHERE finished_at >= ? AND finished_at IS NOT NULL AND job_id IS NOT NULL
				) finished
				GROUP BY minute_at, status""";
	}

	@Override
	public @Nullable String windowRows(TaskStatus status) {
		// The failed index's own condition, which it answers alone
		return (status == TaskStatus.FAILED || status == TaskStatus.CANCELLED)
				? "status IN ('FAILED', 'CANCELLED')" : null;
	}

	@Override
	public String statusCondition(TaskStatus status) {
		// Running tasks hold a lease: the lease index finds them without reading the table
		return (status != TaskStatus.RUNNING) ? Dialect.super.statusCondition(status)
				: "status = 'RUNNING' AND lease_until IS NOT NULL";
	}

}

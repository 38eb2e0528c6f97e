package dev.taskqueue.store.jdbc.dialect;

/**
 * H2 2.x, the embedded default. A sorted, limited {@code FOR UPDATE SKIP LOCKED} locks every
 * row its {@code WHERE} matches before the limit applies, so H2 reads candidates unlocked and
 * then locks exactly those rows.
 *
 * @since 0.1.0
 */
class H2Dialect implements Dialect {

	@Override
	public String platform() {
		return "h2";
	}

	@Override
	public ClaimShape claimShape() {
		return ClaimShape.CANDIDATES_THEN_LOCK;
	}

	@Override
	public String claimLock() {
		return """
				SELECT id, type, queue, priority, run_at, attempts, attempt_base, payload, options, job_id
				FROM %PREFIX%TASK
				WHERE status = 'READY' AND id IN (%IDS%)
				FOR UPDATE SKIP LOCKED""";
	}

}

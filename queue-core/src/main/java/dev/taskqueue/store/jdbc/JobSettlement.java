package dev.taskqueue.store.jdbc;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskIds;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.NewJob;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Ends the jobs none of whose tasks can run any more and enqueues their callbacks: after
 * completions, and for jobs a sweep finds unsettled.
 */
final class JobSettlement {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final PayloadCodec codec;

	private final TransactionTemplate workerTransaction;

	private final TaskInserts inserts;

	private final TaskReads reads;

	JobSettlement(JdbcSupport support, TaskInserts inserts, TaskReads reads) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
		this.codec = support.codec();
		this.workerTransaction = support.workerTransaction();
		this.inserts = inserts;
		this.reads = reads;
	}

	int settleJobs(Instant now, int limit) {
		Integer settled = this.workerTransaction.execute((transaction) -> {
			List<UUID> jobs = this.jdbc.query(this.sql.selectUnsettledJobs, (ps) -> ps.setInt(1, limit),
					(rs, rowNum) -> this.dialect.getId(rs, "id"));
			return settle(transaction, jobs, now);
		});
		return (settled != null) ? settled : 0;
	}

	/**
	 * Ends the given jobs that are running but none of whose tasks can run any more, and
	 * enqueues their callbacks. The job rows are locked first, in id order, after the tasks
	 * that ended: of two transactions that end a job's last tasks at once, the second to get
	 * the lock sees the first's tasks finished, and it alone ends the job.
	 * @return how many jobs ended
	 */
	int settle(TransactionStatus transaction, Collection<UUID> jobIds, Instant now) {
		// Ids sort as the databases sort them: as text, or as unsigned bytes
		List<UUID> sorted = jobIds.stream().sorted(Comparator.comparing(UUID::toString)).toList();
		int ended = 0;
		for (List<UUID> chunk : JdbcSupport.chunks(sorted)) {
			List<LockedJob> jobs = this.jdbc.query(Statements.withIds(this.sql.lockJobs, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk),
					(rs, rowNum) -> new LockedJob(this.dialect.getId(rs, "id"), JobStatus.valueOf(rs.getString("status")),
							this.dialect.getInstant(rs, "started_at") != null));
			for (LockedJob job : jobs) {
				if (job.status() == JobStatus.RUNNING && settle(transaction, job, now)) {
					ended++;
				}
			}
		}
		return ended;
	}

	private boolean settle(TransactionStatus transaction, LockedJob job, Instant now) {
		if (!job.started()) {
			this.jdbc.update(this.sql.setJobStarted, (ps) -> {
				this.dialect.setId(ps, 1, job.id());
				this.dialect.setId(ps, 2, job.id());
			});
		}
		boolean active = !this.jdbc.query(this.sql.selectActiveJobTask, (ps) -> this.dialect.setId(ps, 1, job.id()),
				(rs, rowNum) -> rs.getString("id")).isEmpty();
		JobStatus end = active ? null : JobProgress.end(this.reads.countJobTasks(job.id()));
		if (end == null) {
			return false;
		}
		this.jdbc.update(this.sql.finishJob, (ps) -> {
			ps.setString(1, end.name());
			this.dialect.setInstant(ps, 2, now);
			this.dialect.setId(ps, 3, job.id());
		});
		enqueueCallbacks(transaction, job.id(), end, now);
		return true;
	}

	private void enqueueCallbacks(TransactionStatus transaction, UUID jobId, JobStatus end, Instant now) {
		NewJob.RunOn runOn = (end == JobStatus.SUCCEEDED) ? NewJob.RunOn.SUCCESS : NewJob.RunOn.FAILURE;
		String jobIdPayload = this.codec.write(jobId);
		List<NewTask> callbacks = this.jdbc.query(this.sql.selectJobCallbacks, (ps) -> {
			this.dialect.setId(ps, 1, jobId);
			ps.setString(2, runOn.name());
		}, (rs, rowNum) -> {
			String payload = rs.getString("payload");
			return new NewTask(TaskIds.next(), rs.getString("type"), rs.getString("queue"), rs.getInt("priority"), now,
					(payload != null) ? payload : jobIdPayload, null, OptionsColumn.read(rs.getString("options")),
					Set.of(), Set.of(), null, now);
		});
		this.support.inserted(callbacks, this.inserts.insert(transaction, callbacks));
	}

	private record LockedJob(UUID id, JobStatus status, boolean started) {
	}

}

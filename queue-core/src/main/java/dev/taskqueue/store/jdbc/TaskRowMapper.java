package dev.taskqueue.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Maps task rows to {@link TaskState} and {@link ClaimedTask}.
 */
final class TaskRowMapper implements RowMapper<TaskState> {

	private final Dialect dialect;

	private final PayloadCodec codec;

	TaskRowMapper(Dialect dialect, PayloadCodec codec) {
		this.dialect = dialect;
		this.codec = codec;
	}

	@Override
	public TaskState mapRow(ResultSet rs, int rowNum) throws SQLException {
		return new TaskState(this.dialect.getId(rs, "id"), rs.getString("type"), rs.getString("queue"),
				TaskStatus.valueOf(rs.getString("status")), rs.getInt("priority"), rs.getInt("attempts"),
				rs.getString("unique_key"), Set.of(), this.dialect.getNullableId(rs, "job_id"),
				this.codec.value(rs.getString("payload")),
				this.codec.value(rs.getString("result")), rs.getString("error_message"), rs.getString("error_detail"),
				List.of(), required(rs, "created_at"), required(rs, "run_at"), this.dialect.getInstant(rs, "started_at"),
				rs.getString("worker"), this.dialect.getInstant(rs, "finished_at"), scheduleSlot(rs), progress(rs));
	}

	private @Nullable ScheduleSlot scheduleSlot(ResultSet rs) throws SQLException {
		String schedule = rs.getString("schedule_name");
		Instant slot = this.dialect.getInstant(rs, "schedule_slot");
		return (schedule != null && slot != null) ? new ScheduleSlot(schedule, slot) : null;
	}

	private @Nullable TaskProgress progress(ResultSet rs) throws SQLException {
		Instant reportedAt = this.dialect.getInstant(rs, "progress_at");
		double fraction = rs.getDouble("progress");
		return (reportedAt != null && !rs.wasNull())
				? new TaskProgress(fraction, rs.getString("progress_message"), reportedAt) : null;
	}

	/**
	 * Map a claimed row.
	 * @param rs the row
	 * @param attemptOffset what to add to the row's attempts to get the claimed attempt: 0 when
	 * the row was read after the claim's update, 1 when before
	 * @param claimToken the token of the claim
	 * @return the claimed task
	 * @throws SQLException on a driver error
	 */
	ClaimedTask claimed(ResultSet rs, int attemptOffset, long claimToken) throws SQLException {
		return new ClaimedTask(this.dialect.getId(rs, "id"), rs.getString("type"), rs.getString("queue"),
				rs.getInt("attempts") + attemptOffset, claimToken, rs.getInt("attempt_base"), rs.getString("payload"),
				OptionsColumn.read(rs.getString("options")), this.dialect.getNullableId(rs, "job_id"),
				required(rs, "run_at"));
	}

	Instant required(ResultSet rs, String column) throws SQLException {
		Instant instant = this.dialect.getInstant(rs, column);
		if (instant == null) {
			throw new SQLException("Column '" + column + "' is null");
		}
		return instant;
	}

}

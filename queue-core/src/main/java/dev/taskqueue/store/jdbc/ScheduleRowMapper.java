package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.springframework.jdbc.core.RowMapper;

import dev.taskqueue.schedule.MisfirePolicy;
import dev.taskqueue.schedule.OverlapPolicy;
import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Maps schedule rows to {@link StoredSchedule} and binds a schedule's definition: rates and
 * windows in milliseconds, the zone by its id, the policies by name.
 */
final class ScheduleRowMapper implements RowMapper<StoredSchedule> {

	private final Dialect dialect;

	ScheduleRowMapper(Dialect dialect) {
		this.dialect = dialect;
	}

	/** Binds type to declared, in the order of the insert and the update; returns the next index. */
	int setDefinition(PreparedStatement ps, int first, StoredSchedule schedule) throws SQLException {
		ps.setString(first, schedule.type());
		ps.setString(first + 1, schedule.payload());
		ps.setString(first + 2, schedule.queue());
		if (schedule.priority() != null) {
			ps.setInt(first + 3, schedule.priority());
		}
		else {
			ps.setNull(first + 3, Types.INTEGER);
		}
		ps.setString(first + 4, schedule.cron());
		if (schedule.fixedRate() != null) {
			ps.setLong(first + 5, schedule.fixedRate().toMillis());
		}
		else {
			ps.setNull(first + 5, Types.BIGINT);
		}
		ps.setString(first + 6, schedule.zone().getId());
		ps.setBoolean(first + 7, schedule.paused());
		ps.setString(first + 8, schedule.misfire().mode().name());
		ps.setInt(first + 9, schedule.misfire().cap());
		ps.setLong(first + 10, schedule.misfire().window().toMillis());
		ps.setString(first + 11, schedule.overlap().name());
		ps.setBoolean(first + 12, schedule.declared());
		return first + 13;
	}

	@Override
	public StoredSchedule mapRow(ResultSet rs, int rowNum) throws SQLException {
		int priority = rs.getInt("priority");
		Integer nullablePriority = rs.wasNull() ? null : priority;
		long rate = rs.getLong("fixed_rate");
		Duration fixedRate = rs.wasNull() ? null : Duration.ofMillis(rate);
		MisfirePolicy misfire = new MisfirePolicy(MisfirePolicy.Mode.valueOf(rs.getString("misfire_mode")),
				rs.getInt("misfire_cap"), Duration.ofMillis(rs.getLong("misfire_window")));
		return new StoredSchedule(rs.getString("name"), rs.getString("type"), rs.getString("payload"),
				rs.getString("queue"), nullablePriority, rs.getString("cron"), fixedRate, ZoneId.of(rs.getString("zone")),
				rs.getBoolean("paused"), misfire, OverlapPolicy.valueOf(rs.getString("overlap")),
				rs.getBoolean("declared"), this.dialect.getInstant(rs, "last_slot"),
				this.dialect.getInstant(rs, "next_slot"), rs.getLong("version"), required(rs, "created_at"));
	}

	Instant required(ResultSet rs, String column) throws SQLException {
		Instant instant = this.dialect.getInstant(rs, column);
		if (instant == null) {
			throw new SQLException("Column '" + column + "' is null");
		}
		return instant;
	}

}

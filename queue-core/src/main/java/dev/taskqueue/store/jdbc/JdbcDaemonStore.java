package dev.taskqueue.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import dev.taskqueue.store.DaemonRow;
import dev.taskqueue.store.DaemonStore;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The {@link DaemonStore} on the {@code DAEMON} table. Every statement runs on its own, in
 * auto-commit: a lease changes hands by one conditional update, never by a read followed by
 * a write. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class JdbcDaemonStore implements DaemonStore {

	/** The longest error text a row keeps. */
	private static final int MAX_ERROR_LENGTH = 4000;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final RowMapper<DaemonRow> rowMapper = this::mapRow;

	private final String selectAll;

	private final String selectOne;

	private final String insert;

	private final String acquire;

	private final String renew;

	private final String heartbeat;

	private final String ended;

	private final String restarted;

	private final String release;

	private final String start;

	private final String stop;

	private final String restart;

	/**
	 * Create a store.
	 * @param dataSource the database
	 * @param dialect its dialect
	 * @param tablePrefix the table prefix
	 */
	public JdbcDaemonStore(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.selectAll = Statements.prefixed(dialect.selectDaemons(), tablePrefix);
		this.selectOne = Statements.prefixed(dialect.selectDaemon(), tablePrefix);
		this.insert = Statements.prefixed(dialect.insertDaemon(), tablePrefix);
		this.acquire = Statements.prefixed(dialect.acquireDaemon(), tablePrefix);
		this.renew = Statements.prefixed(dialect.renewDaemon(), tablePrefix);
		this.heartbeat = Statements.prefixed(dialect.heartbeatDaemon(), tablePrefix);
		this.ended = Statements.prefixed(dialect.daemonEnded(), tablePrefix);
		this.restarted = Statements.prefixed(dialect.daemonRestarted(), tablePrefix);
		this.release = Statements.prefixed(dialect.releaseDaemon(), tablePrefix);
		this.start = Statements.prefixed(dialect.startDaemon(), tablePrefix);
		this.stop = Statements.prefixed(dialect.stopDaemon(), tablePrefix);
		this.restart = Statements.prefixed(dialect.restartDaemon(), tablePrefix);
	}

	@Override
	public List<DaemonRow> list() {
		return this.jdbc.query(this.selectAll, this.rowMapper);
	}

	@Override
	public Optional<DaemonRow> find(String name) {
		return this.jdbc.query(this.selectOne, this.rowMapper, name).stream().findFirst();
	}

	@Override
	public void declare(String name, boolean started) {
		if (find(name).isPresent()) {
			return;
		}
		try {
			this.jdbc.update(this.insert, name, started ? "STARTED" : "STOPPED", started ? "WAITING" : "STOPPED");
		}
		catch (DuplicateKeyException ex) {
			// Another node declared it in the meantime
		}
	}

	@Override
	public boolean acquire(String name, long version, String node, Instant now, Instant leaseUntil) {
		return this.jdbc.update(this.acquire, (ps) -> {
			ps.setString(1, node);
			this.dialect.setInstant(ps, 2, leaseUntil);
			this.dialect.setInstant(ps, 3, now);
			this.dialect.setInstant(ps, 4, now);
			ps.setString(5, name);
			ps.setLong(6, version);
			this.dialect.setInstant(ps, 7, now);
			ps.setString(8, node);
		}) == 1;
	}

	@Override
	public boolean renew(String name, String node, Instant leaseUntil, @Nullable Instant heartbeat) {
		if (heartbeat == null) {
			return this.jdbc.update(this.renew, (ps) -> {
				this.dialect.setInstant(ps, 1, leaseUntil);
				ps.setString(2, name);
				ps.setString(3, node);
			}) == 1;
		}
		return this.jdbc.update(this.heartbeat, (ps) -> {
			this.dialect.setInstant(ps, 1, leaseUntil);
			this.dialect.setInstant(ps, 2, heartbeat);
			ps.setString(3, name);
			ps.setString(4, node);
		}) == 1;
	}

	@Override
	public void ended(String name, String node, @Nullable String error) {
		String text = (error != null && error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH)
				: error;
		this.jdbc.update(this.ended, text, name, node);
	}

	@Override
	public void restarted(String name, String node, Instant now) {
		this.jdbc.update(this.restarted, (ps) -> {
			this.dialect.setInstant(ps, 1, now);
			this.dialect.setInstant(ps, 2, now);
			ps.setString(3, name);
			ps.setString(4, node);
		});
	}

	@Override
	public void release(String name, String node) {
		this.jdbc.update(this.release, name, node);
	}

	@Override
	public boolean start(String name) {
		return this.jdbc.update(this.start, name) == 1;
	}

	@Override
	public boolean stop(String name, Instant now) {
		return this.jdbc.update(this.stop, (ps) -> {
			this.dialect.setInstant(ps, 1, now);
			ps.setString(2, name);
		}) == 1;
	}

	@Override
	public boolean restart(String name) {
		return this.jdbc.update(this.restart, name) == 1;
	}

	private DaemonRow mapRow(ResultSet rs, int rowNum) throws SQLException {
		return new DaemonRow(rs.getString("name"), "STARTED".equals(rs.getString("desired_state")),
				rs.getString("holder"), this.dialect.getInstant(rs, "lease_until"),
				this.dialect.getInstant(rs, "last_heartbeat"), rs.getString("status"), rs.getString("last_error"),
				rs.getInt("restarts"), this.dialect.getInstant(rs, "started_at"), rs.getLong("version"));
	}

}

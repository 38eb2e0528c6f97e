package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.util.Assert;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The registry of nodes in the {@code NODE} table: one row per node running workers, kept
 * alive by its heartbeat. A node's row holds a random instance id besides the node's id, so
 * that a node whose id was taken over after its heartbeat lapsed never writes over the new
 * holder's row. A node registers and heartbeats on the engine's own threads, each statement
 * committed on its own. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class JdbcNodeStore {

	/**
	 * Writes and reads the lanes column with Jackson's defaults, not the application's mapper,
	 * so that nodes whose mappers differ read each other's rows.
	 */
	private static final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build());

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final String insert;

	private final String takeOver;

	private final String heartbeat;

	private final String delete;

	private final String deleteExpired;

	private final String select;

	private final String selectLive;

	private final RowMapper<NodeInfo> rowMapper = this::node;

	/**
	 * Create a store.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 */
	public JdbcNodeStore(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.insert = Statements.prefixed(dialect.insertNode(), tablePrefix);
		this.takeOver = Statements.prefixed(dialect.takeOverNode(), tablePrefix);
		this.heartbeat = Statements.prefixed(dialect.heartbeatNode(), tablePrefix);
		this.delete = Statements.prefixed(dialect.deleteNode(), tablePrefix);
		this.deleteExpired = Statements.prefixed(dialect.deleteExpiredNodes(), tablePrefix);
		this.select = Statements.prefixed(dialect.selectNode(), tablePrefix);
		this.selectLive = Statements.prefixed(dialect.selectLiveNodes(), tablePrefix);
	}

	/**
	 * Register a node under its id, unless a row holds that id already.
	 * @param node the node, as it starts
	 * @param instance the id of this registration
	 * @return whether the row was inserted; {@code false} if the id is taken
	 */
	public boolean insert(NodeInfo node, String instance) {
		try {
			this.jdbc.update(this.insert, (ps) -> {
				ps.setString(1, node.id());
				setRegistration(ps, 2, node, instance);
			});
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/**
	 * Take over the row of a node whose heartbeat has lapsed: only one of the nodes that try
	 * at once succeeds.
	 * @param node the node, as it starts
	 * @param instance the id of this registration
	 * @param now the time now
	 * @return whether the row was taken over; {@code false} if it is live or gone
	 */
	public boolean takeOver(NodeInfo node, String instance, Instant now) {
		return this.jdbc.update(this.takeOver, (ps) -> {
			int next = setRegistration(ps, 1, node, instance);
			ps.setString(next, node.id());
			this.dialect.setInstant(ps, next + 1, now);
		}) == 1;
	}

	/**
	 * Record a node's heartbeat.
	 * @param id the node's id
	 * @param instance the id of its registration
	 * @param tasksRunning how many tasks it runs
	 * @param now the time now
	 * @param expiresAt when it counts as dead unless it heartbeats again
	 * @return whether the registration still holds the row; {@code false} once it was deleted
	 * or taken over
	 */
	public boolean heartbeat(String id, String instance, int tasksRunning, Instant now, Instant expiresAt) {
		return this.jdbc.update(this.heartbeat, (ps) -> {
			ps.setInt(1, tasksRunning);
			this.dialect.setInstant(ps, 2, now);
			this.dialect.setInstant(ps, 3, expiresAt);
			ps.setString(4, id);
			ps.setString(5, instance);
		}) == 1;
	}

	/**
	 * Delete a node's row, if its registration still holds it.
	 * @param id the node's id
	 * @param instance the id of its registration
	 */
	public void delete(String id, String instance) {
		this.jdbc.update(this.delete, id, instance);
	}

	/**
	 * Delete the rows of the nodes whose heartbeat has lapsed.
	 * @param now the time now
	 * @return how many were deleted
	 */
	public int deleteExpired(Instant now) {
		return this.jdbc.update(this.deleteExpired, (ps) -> this.dialect.setInstant(ps, 1, now));
	}

	/**
	 * Find the node registered under an id, live or not.
	 * @param id the node's id
	 * @return the node, if a row holds the id
	 */
	public Optional<NodeInfo> find(String id) {
		return this.jdbc.query(this.select, this.rowMapper, id).stream().findFirst();
	}

	/**
	 * List the live nodes, by id.
	 * @param now the time now
	 * @return the nodes whose heartbeat has not lapsed
	 */
	public List<NodeInfo> live(Instant now) {
		return this.jdbc.query(this.selectLive, (ps) -> this.dialect.setInstant(ps, 1, now), this.rowMapper);
	}

	/** Binds instance, host, pid, started at, lanes, heartbeat interval, last heartbeat and expiry. */
	private int setRegistration(PreparedStatement ps, int first, NodeInfo node, String instance) throws SQLException {
		ps.setString(first, instance);
		ps.setString(first + 1, node.host());
		ps.setLong(first + 2, node.pid());
		this.dialect.setInstant(ps, first + 3, node.startedAt());
		ps.setString(first + 4, codec.write(node.lanes()));
		ps.setLong(first + 5, node.heartbeatInterval().toMillis());
		this.dialect.setInstant(ps, first + 6, node.lastHeartbeat());
		this.dialect.setInstant(ps, first + 7, node.expiresAt());
		return first + 8;
	}

	private NodeInfo node(ResultSet rs, int row) throws SQLException {
		NodeInfo.Lane[] lanes = (NodeInfo.Lane[]) codec.read(rs.getString("lanes"), NodeInfo.Lane[].class);
		Assert.state(lanes != null, "No lanes");
		return new NodeInfo(rs.getString("id"), rs.getString("host"), rs.getLong("pid"), instant(rs, "started_at"),
				Arrays.asList(lanes), rs.getInt("tasks_running"), Duration.ofMillis(rs.getLong("heartbeat_interval_ms")),
				instant(rs, "last_heartbeat"), instant(rs, "expires_at"));
	}

	private Instant instant(ResultSet rs, String column) throws SQLException {
		Instant instant = this.dialect.getInstant(rs, column);
		Assert.state(instant != null, () -> "No " + column);
		return instant;
	}

}

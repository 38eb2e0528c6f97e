package dev.taskqueue.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Brings task tables of an older schema version to the current one with the versioned
 * scripts {@code upgrade/<platform>/V<n>__<description>.sql}, one step per version, while
 * holding the database's schema lock so that two nodes never upgrade at once.
 */
final class SchemaUpgrade {

	/** The script that brings version {@code n} to {@code n + 1}, at index {@code n - 1}. */
	private static final List<String> STEPS = List.of("V2__error_history_and_unique_keys.sql", "V3__jobs.sql",
			"V4__claim_tokens_and_schema_version.sql", "V5__schedules_retention_nodes_daemons.sql",
			"V6__task_progress.sql", "V7__dashboard_audit.sql", "V8__task_vacuum_pace.sql");

	private static final String LOCATION = "dev/taskqueue/store/jdbc/upgrade/";

	/** Guards the databases without a schema lock of their own, embedded in this JVM. */
	private static final Object localLock = new Object();

	private final Dialect dialect;

	private final String tablePrefix;

	SchemaUpgrade(Dialect dialect, String tablePrefix) {
		this.dialect = dialect;
		this.tablePrefix = tablePrefix;
	}

	/**
	 * Return the location of the upgrade scripts of a platform.
	 * @param platform the platform
	 * @return the location, ending with a slash
	 */
	static String location(String platform) {
		return "classpath:" + LOCATION + platform + "/";
	}

	/**
	 * Return the scripts that bring a version to the current one.
	 * @param from the version the tables are at
	 * @return the script names, in the order to run them
	 */
	static List<String> steps(int from) {
		return IntStream.range(from, TaskQueueSchema.CURRENT_VERSION).mapToObj((n) -> STEPS.get(n - 1)).toList();
	}

	/**
	 * Upgrade the tables to the current version, unless another node did while this one waited
	 * for the lock.
	 * @param connection the connection to upgrade on
	 * @return the version the tables were at once the lock was held
	 * @throws SQLException on a driver error
	 */
	int run(Connection connection) throws SQLException {
		synchronized (localLock) {
			boolean transactional = this.dialect.transactionalDdl();
			if (transactional) {
				connection.setAutoCommit(false);
			}
			try {
				lock(connection);
				try {
					int from = SchemaVersion.read(connection, this.dialect, this.tablePrefix);
					List<String> steps = (from != SchemaVersion.MISSING) ? steps(from) : List.of();
					for (String step : steps) {
						ScriptUtils.executeSqlScript(connection, script(step));
					}
					if (transactional) {
						connection.commit();
					}
					return from;
				}
				finally {
					unlock(connection);
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (transactional) {
					connection.rollback();
				}
				throw ex;
			}
			finally {
				if (transactional) {
					connection.setAutoCommit(true);
				}
			}
		}
	}

	private void lock(Connection connection) throws SQLException {
		String sql = this.dialect.lockSchema();
		if (sql == null) {
			return;
		}
		try (PreparedStatement ps = connection.prepareStatement(sql)) {
			ps.setString(1, lockName());
			try (ResultSet rs = ps.executeQuery()) {
				Object held = rs.next() ? rs.getObject(1) : null;
				if (held instanceof Number number && number.intValue() != 1) {
					throw new TaskQueueSchemaException("Timed out waiting for another node to finish upgrading the "
							+ "TaskQueue tables " + this.tablePrefix + "*");
				}
			}
		}
	}

	private void unlock(Connection connection) throws SQLException {
		String sql = this.dialect.unlockSchema();
		if (sql != null) {
			try (PreparedStatement ps = connection.prepareStatement(sql)) {
				ps.setString(1, lockName());
				ps.executeQuery().close();
			}
		}
	}

	private String lockName() {
		return "taskqueue-schema-" + this.tablePrefix;
	}

	private EncodedResource script(String step) {
		ClassPathResource resource = new ClassPathResource(LOCATION + this.dialect.platform() + "/" + step,
				SchemaUpgrade.class.getClassLoader());
		try {
			String sql = resource.getContentAsString(StandardCharsets.UTF_8).replace("TQ_", this.tablePrefix);
			return new EncodedResource(
					new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8), resource.getDescription()),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the TaskQueue schema upgrade " + resource, ex);
		}
	}

}

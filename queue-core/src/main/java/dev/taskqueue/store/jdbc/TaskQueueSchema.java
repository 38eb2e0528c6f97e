package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.dao.DataAccessException;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The schema version of the task tables in one database, checked when a node starts: current
 * tables start; older ones are upgraded in place by the versioned scripts under
 * {@code dev/taskqueue/store/jdbc/upgrade/<platform>/}, unless that is turned off; newer or
 * unknown ones refuse to start; missing ones fail, unless the node waits for another to
 * create them. Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class TaskQueueSchema {

	/** The schema version this TaskQueue runs on. */
	public static final int CURRENT_VERSION = 8;

	private static final Log logger = LogFactory.getLog(TaskQueueSchema.class);

	private static final Duration MAX_WAIT_INTERVAL = Duration.ofSeconds(1);

	private final DataSource dataSource;

	private final Dialect dialect;

	private final String tablePrefix;

	/**
	 * Create a check of the tables with the given prefix.
	 * @param dataSource the database holding the tables
	 * @param dialect its dialect
	 * @param tablePrefix the table prefix
	 */
	public TaskQueueSchema(DataSource dataSource, Dialect dialect, String tablePrefix) {
		this.dataSource = dataSource;
		this.dialect = dialect;
		this.tablePrefix = tablePrefix;
	}

	/**
	 * Bring existing tables to the current version before the create scripts run, which
	 * create only what is missing; leave missing tables to those scripts.
	 * @param upgrade whether older tables may be upgraded
	 * @throws TaskQueueSchemaException if the tables are older and may not be upgraded, or at
	 * a version this TaskQueue does not know
	 */
	public void upgradeExisting(boolean upgrade) {
		int version = read();
		if (version != SchemaVersion.MISSING) {
			ensureCurrent(version, upgrade);
		}
	}

	/**
	 * Check the tables as a node starts, upgrading older ones if allowed.
	 * @param upgrade whether older tables may be upgraded
	 * @param waitForTables how long to wait for missing tables to be created
	 * @throws TaskQueueSchemaException if the tables are missing, older and may not be
	 * upgraded, or at a version this TaskQueue does not know
	 */
	public void check(boolean upgrade, Duration waitForTables) {
		int version = read();
		if (version == SchemaVersion.MISSING && waitForTables.compareTo(Duration.ZERO) > 0) {
			version = waitForTables(waitForTables);
		}
		if (version == SchemaVersion.MISSING) {
			throw new TaskQueueSchemaException(missing(waitForTables));
		}
		ensureCurrent(version, upgrade);
	}

	private void ensureCurrent(int version, boolean upgrade) {
		if (version == CURRENT_VERSION) {
			return;
		}
		if (version < 1 || version > CURRENT_VERSION) {
			throw unknown(version);
		}
		if (!upgrade) {
			throw new TaskQueueSchemaException("The " + tables() + " are at schema version " + version
					+ ", but this TaskQueue needs version " + CURRENT_VERSION
					+ ", and their automatic upgrade is off (taskqueue.jdbc.upgrade-schema=false). Run "
					+ String.join(", then ", SchemaUpgrade.steps(version)) + " from "
					+ SchemaUpgrade.location(this.dialect.platform()) + withPrefix() + ", or turn the upgrade on");
		}
		int from;
		try (Connection connection = this.dataSource.getConnection()) {
			from = new SchemaUpgrade(this.dialect, this.tablePrefix).run(connection);
		}
		catch (SQLException | DataAccessException ex) {
			throw new TaskQueueSchemaException("Could not upgrade the " + tables() + " from schema version " + version
					+ " to " + CURRENT_VERSION + ": " + ex.getMessage(), ex);
		}
		if (from > CURRENT_VERSION) {
			throw unknown(from);
		}
		if (from < CURRENT_VERSION) {
			logger.info("Upgraded the " + tables() + " from schema version " + from + " to " + CURRENT_VERSION);
		}
	}

	private int read() {
		try (Connection connection = this.dataSource.getConnection()) {
			return SchemaVersion.read(connection, this.dialect, this.tablePrefix);
		}
		catch (SQLException ex) {
			throw new TaskQueueSchemaException(
					"Could not read the schema version of the " + tables() + ": " + ex.getMessage(), ex);
		}
	}

	private int waitForTables(Duration wait) {
		logger.info("Waiting up to " + wait + " for the " + tables() + " to be created");
		long deadline = System.nanoTime() + wait.toNanos();
		int version;
		while ((version = read()) == SchemaVersion.MISSING) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(remaining, MAX_WAIT_INTERVAL.toNanos()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new TaskQueueSchemaException("Interrupted while waiting for " + tables() + " to be created", ex);
			}
		}
		return version;
	}

	private String missing(Duration waited) {
		return "The " + tables() + " do not exist" + ((waited.compareTo(Duration.ZERO) > 0) ? " after waiting " + waited : "")
				+ ". Create them with the script classpath:dev/taskqueue/store/jdbc/schema-" + this.dialect.platform()
				+ ".sql" + withPrefix()
				+ " (with Spring Boot, taskqueue.jdbc.initialize-schema=always runs it on start), or let this node"
				+ " wait for another to create them (taskqueue.jdbc.wait-for-schema)";
	}

	private TaskQueueSchemaException unknown(int version) {
		return new TaskQueueSchemaException("The " + tables() + " are at schema version " + version
				+ ", which this TaskQueue does not know: it runs on schema version " + CURRENT_VERSION
				+ ". A newer TaskQueue may have upgraded them; run a TaskQueue that knows version " + version);
	}

	private String tables() {
		return "TaskQueue tables " + this.tablePrefix + "*";
	}

	private String withPrefix() {
		return "TQ_".equals(this.tablePrefix) ? "" : " (with TQ_ replaced by " + this.tablePrefix + ")";
	}

}

package dev.taskqueue.autoconfigure;

import java.time.Duration;

import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Configuration properties for the TaskQueue tables, bound under {@code taskqueue.jdbc} as
 * {@link TaskQueueProperties#getJdbc()}.
 *
 * @since 0.1.0
 */
public class TaskQueueJdbcProperties extends DatabaseInitializationProperties {

	private static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/taskqueue/store/jdbc/schema-@@platform@@.sql";

	/**
	 * Prefix of the task tables. Applied to the schema scripts as well.
	 */
	private String tablePrefix = "TQ_";

	/**
	 * Whether to upgrade task tables of an older schema version in place on start. When
	 * disabled, such tables fail startup, naming the upgrade scripts to run.
	 */
	private boolean upgradeSchema = true;

	/**
	 * How long a starting node waits for missing task tables to be created, for example by
	 * another node or a migration, before startup fails. Zero fails at once. At most 1 day.
	 */
	private Duration waitForSchema = Duration.ZERO;

	public String getTablePrefix() {
		return this.tablePrefix;
	}

	public void setTablePrefix(String tablePrefix) {
		this.tablePrefix = tablePrefix;
	}

	public boolean isUpgradeSchema() {
		return this.upgradeSchema;
	}

	public void setUpgradeSchema(boolean upgradeSchema) {
		this.upgradeSchema = upgradeSchema;
	}

	public Duration getWaitForSchema() {
		return this.waitForSchema;
	}

	public void setWaitForSchema(Duration waitForSchema) {
		this.waitForSchema = waitForSchema;
	}

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

}

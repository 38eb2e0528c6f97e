package dev.taskqueue.autoconfigure;

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

	public String getTablePrefix() {
		return this.tablePrefix;
	}

	public void setTablePrefix(String tablePrefix) {
		this.tablePrefix = tablePrefix;
	}

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

}

package dev.taskqueue.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

import dev.taskqueue.store.jdbc.TaskQueueSchema;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * {@link DataSourceScriptDatabaseInitializer} for the TaskQueue tables. Runs the schema
 * scripts of the detected platform ({@code h2}, {@code postgresql}, {@code mariadb} or
 * {@code mysql}), with {@code TQ_} replaced by the configured table prefix. Tables of an
 * older schema version are first upgraded in place (unless
 * {@code taskqueue.jdbc.upgrade-schema} is off), as the scripts only create what is missing.
 * Another database fails with a message naming it and the supported ones, unless a platform
 * is configured. May be registered as a bean to override auto-configuration.
 *
 * @since 0.1.0
 */
public class TaskQueueDataSourceScriptDatabaseInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<TaskQueueJdbcProperties> {

	private static final String SCRIPT_TABLE_PREFIX = "TQ_";

	private static final String PLATFORM_PLACEHOLDER = "@@platform@@";

	private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z0-9_]*");

	private final String tablePrefix;

	private final boolean upgradeSchema;

	/**
	 * Create a new {@link TaskQueueDataSourceScriptDatabaseInitializer} instance.
	 * @param dataSource the TaskQueue data source
	 * @param properties the TaskQueue JDBC properties
	 */
	public TaskQueueDataSourceScriptDatabaseInitializer(DataSource dataSource, TaskQueueJdbcProperties properties) {
		super(dataSource, validate(dataSource, properties));
		this.tablePrefix = properties.getTablePrefix();
		this.upgradeSchema = properties.isUpgradeSchema();
	}

	private static TaskQueueJdbcProperties validate(DataSource dataSource, TaskQueueJdbcProperties properties) {
		String tablePrefix = properties.getTablePrefix();
		if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.jdbc.table-prefix", tablePrefix,
					"Only letters, digits and underscores are allowed");
		}
		String schema = (properties.getSchema() != null) ? properties.getSchema()
				: properties.getDefaultSchemaLocation();
		if (properties.getPlatform() == null && schema.contains(PLATFORM_PLACEHOLDER)) {
			// Fails naming the database and the supported ones, rather than a missing script
			Dialect.of(dataSource);
		}
		return properties;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		new TaskQueueSchema(getDataSource(), Dialect.of(getDataSource()), this.tablePrefix)
			.upgradeExisting(this.upgradeSchema);
		if (SCRIPT_TABLE_PREFIX.equals(this.tablePrefix)) {
			super.runScripts(scripts);
			return;
		}
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> prefixed = new ArrayList<>();
		for (Resource script : scripts) {
			prefixed.add(withTablePrefix(script, encoding));
		}
		super.runScripts(new Scripts(prefixed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

	private Resource withTablePrefix(Resource script, Charset encoding) {
		try {
			String sql = script.getContentAsString(encoding).replace(SCRIPT_TABLE_PREFIX, this.tablePrefix);
			return new ByteArrayResource(sql.getBytes(encoding),
					script.getDescription() + " with table prefix " + this.tablePrefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Unable to read " + script.getDescription(), ex);
		}
	}

}

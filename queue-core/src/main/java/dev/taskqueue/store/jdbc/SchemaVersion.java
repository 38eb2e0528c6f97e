package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Reads the schema version of the task tables: the highest version the version table records,
 * else the one the task table's columns show, as tables made before version 4 have no version
 * table.
 */
final class SchemaVersion {

	/** The version of a database without a task table. */
	static final int MISSING = 0;

	/** The column each version added to the task table, newest first. */
	private static final List<Marker> MARKERS = List.of(new Marker(6, "progress"), new Marker(5, "schedule_slot"),
			new Marker(4, "claim_token"), new Marker(3, "job_id"), new Marker(2, "unique_key"));

	private SchemaVersion() {
	}

	/**
	 * Read the version of the tables with the given prefix.
	 * @param connection the connection to read with
	 * @param dialect the database's dialect
	 * @param tablePrefix the table prefix
	 * @return the version, or {@link #MISSING}
	 * @throws SQLException on a driver error
	 */
	static int read(Connection connection, Dialect dialect, String tablePrefix) throws SQLException {
		if (!tableExists(connection, tablePrefix + "TASK")) {
			return MISSING;
		}
		int shown = fromColumns(connection, Statements.prefixed(dialect.selectTaskColumns(), tablePrefix));
		if (!tableExists(connection, tablePrefix + "SCHEMA_VERSION")) {
			return shown;
		}
		int recorded;
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(Statements.prefixed(dialect.selectSchemaVersion(), tablePrefix))) {
			recorded = rs.next() ? rs.getInt(1) : 0;
		}
		if (recorded == 0) {
			return shown;
		}
		// A create script run over older tables records its version without adding the columns
		// that the upgrades before the newest marker add; it does create every later table
		return (shown < MARKERS.get(0).version()) ? Math.min(recorded, shown) : recorded;
	}

	private static int fromColumns(Connection connection, String query) throws SQLException {
		Set<String> columns = new HashSet<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			ResultSetMetaData metaData = rs.getMetaData();
			for (int i = 1; i <= metaData.getColumnCount(); i++) {
				columns.add(metaData.getColumnName(i).toLowerCase(Locale.ROOT));
			}
		}
		for (Marker marker : MARKERS) {
			if (columns.contains(marker.column())) {
				return marker.version();
			}
		}
		return 1;
	}

	private static boolean tableExists(Connection connection, String table) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		String name = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT)
				: metaData.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
		String escape = metaData.getSearchStringEscape();
		String pattern = (escape != null) ? name.replace("_", escape + "_") : name;
		try (ResultSet tables = metaData.getTables(connection.getCatalog(), connection.getSchema(), pattern, null)) {
			while (tables.next()) {
				if (tables.getString("TABLE_NAME").equalsIgnoreCase(table)) {
					return true;
				}
			}
		}
		return false;
	}

	/** A version, and the task table column that first appeared in it. */
	private record Marker(int version, String column) {

	}

}

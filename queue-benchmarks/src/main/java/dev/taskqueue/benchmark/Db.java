package dev.taskqueue.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Connection pools, schemas and plain SQL helpers. The benchmark keeps to its own tables: the
 * TaskQueue tables under the {@code TQB_} prefix and db-scheduler's table
 * {@code tqb_scheduled_tasks}; all are dropped at the end.
 */
final class Db {

	/** The benchmark's own TaskQueue table prefix. */
	static final String PREFIX = "TQB_";

	static final String TASK_TABLE = PREFIX + "TASK";

	/** Every TaskQueue table, for emptying them all between runs that use parents and jobs. */
	static final String[] TASK_QUEUE_TABLES = { TASK_TABLE, PREFIX + "TASK_PARENT", PREFIX + "TASK_ERROR",
			PREFIX + "JOB", PREFIX + "JOB_CALLBACK" };

	/** db-scheduler's table, under a name of the benchmark's own. */
	static final String DBS_TABLE = "tqb_scheduled_tasks";

	private static final String SCRIPTS = "dev/taskqueue/store/jdbc/";

	private Db() {
	}

	static HikariDataSource pool(String url, String user, String password, String name, int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(user);
		config.setPassword(password);
		config.setPoolName(name);
		if (url.startsWith("jdbc:postgresql:")) {
			// Names the pool's server processes, so their CPU time can be read (BackendCpu)
			config.addDataSourceProperty("ApplicationName", name);
		}
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(Math.min(4, size));
		config.setConnectionTimeout(10_000);
		return new HikariDataSource(config);
	}

	/**
	 * Create the TaskQueue tables from queue-core's own script, with the benchmark's prefix.
	 * @param database the script's database, as queue-core names it ({@code postgresql}, {@code mariadb})
	 */
	static void createTaskQueueSchema(DataSource dataSource, String database) {
		runScript(dataSource, prefixed("schema-" + database + ".sql"));
	}

	static void dropTaskQueueSchema(DataSource dataSource, String database) {
		runScript(dataSource, prefixed("schema-drop-" + database + ".sql"));
	}

	/**
	 * db-scheduler's table, as its documentation gives it for PostgreSQL or MySQL/MariaDB, under the
	 * benchmark's name.
	 */
	static void createDbSchedulerSchema(DataSource dataSource, boolean postgres) {
		runScript(dataSource, postgres ? POSTGRES_DBS_DDL : MARIADB_DBS_DDL);
	}

	private static final String POSTGRES_DBS_DDL = """
				CREATE TABLE IF NOT EXISTS %1$s (
					task_name TEXT NOT NULL,
					task_instance TEXT NOT NULL,
					task_data BYTEA,
					execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
					picked BOOLEAN NOT NULL,
					picked_by TEXT,
					last_success TIMESTAMP WITH TIME ZONE,
					last_failure TIMESTAMP WITH TIME ZONE,
					consecutive_failures INT,
					last_heartbeat TIMESTAMP WITH TIME ZONE,
					version BIGINT NOT NULL,
					priority SMALLINT,
					PRIMARY KEY (task_name, task_instance)
				);
				CREATE INDEX IF NOT EXISTS %1$s_execution_time_idx ON %1$s (execution_time);
				CREATE INDEX IF NOT EXISTS %1$s_last_heartbeat_idx ON %1$s (last_heartbeat);
				CREATE INDEX IF NOT EXISTS %1$s_priority_execution_time_idx ON %1$s (priority DESC, execution_time ASC);
				""".formatted(DBS_TABLE);

	private static final String MARIADB_DBS_DDL = """
			CREATE TABLE IF NOT EXISTS %1$s (
				task_name VARCHAR(100) NOT NULL,
				task_instance VARCHAR(100) NOT NULL,
				task_data BLOB,
				execution_time TIMESTAMP(6) NOT NULL,
				picked BOOLEAN NOT NULL,
				picked_by VARCHAR(50),
				last_success TIMESTAMP(6) NULL,
				last_failure TIMESTAMP(6) NULL,
				consecutive_failures INT,
				last_heartbeat TIMESTAMP(6) NULL,
				version BIGINT NOT NULL,
				priority SMALLINT,
				PRIMARY KEY (task_name, task_instance),
				INDEX execution_time_idx (execution_time),
				INDEX last_heartbeat_idx (last_heartbeat),
				INDEX priority_execution_time_idx (priority DESC, execution_time ASC)
			);
			""".formatted(DBS_TABLE);

	static void dropDbSchedulerSchema(DataSource dataSource) {
		runScript(dataSource, "DROP TABLE IF EXISTS " + DBS_TABLE + ";");
	}

	/** The server's autovacuum setting and the benchmark tables' own storage settings. */
	static String vacuumSettings(DataSource dataSource) {
		String tables = queryString(dataSource, "SELECT string_agg(relname || ' ' || "
				+ "coalesce(array_to_string(reloptions, ', '), 'no table-level settings'), '; ' ORDER BY relname) "
				+ "FROM pg_class WHERE relkind = 'r' AND relname IN ('" + TASK_TABLE.toLowerCase(Locale.ROOT) + "', '"
				+ DBS_TABLE + "')");
		return "server `autovacuum = " + queryString(dataSource, "SHOW autovacuum") + "`; "
				+ ((tables != null) ? tables : "tables not created yet");
	}

	/** Autovacuum runs on a PostgreSQL table so far. */
	static long autovacuums(DataSource dataSource, String table) {
		return queryLong(dataSource, "SELECT coalesce(sum(autovacuum_count), 0) FROM pg_stat_user_tables "
				+ "WHERE relname = '" + table.toLowerCase(Locale.ROOT) + "'");
	}

	/** A PostgreSQL table's size and its indexes' size, in kB, as {@code "table / indexes"}. */
	static String sizes(DataSource dataSource, String table) {
		return queryString(dataSource, "SELECT pg_table_size('" + table + "') / 1024 || ' / ' || "
				+ "pg_indexes_size('" + table + "') / 1024");
	}

	static void truncate(DataSource dataSource, String... tables) {
		execute(dataSource, "TRUNCATE " + String.join(", ", tables));
	}

	private static String prefixed(String script) {
		try {
			String sql = new ClassPathResource(SCRIPTS + script).getContentAsString(StandardCharsets.UTF_8);
			return sql.replace("TQ_", PREFIX);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void runScript(DataSource dataSource, String sql) {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8)));
		populator.execute(dataSource);
	}

	/** Run statements outside any transaction (so {@code VACUUM} works too). */
	static void execute(DataSource dataSource, String... statements) {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(true);
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed: " + String.join("; ", statements), ex);
		}
	}

	static long queryLong(DataSource dataSource, String sql) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed: " + sql, ex);
		}
	}

	static String queryString(DataSource dataSource, String sql) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed: " + sql, ex);
		}
	}

	/** The rows of a one-column result, such as an {@code EXPLAIN}. */
	static List<String> queryLines(Connection connection, String sql) throws SQLException {
		List<String> lines = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				lines.add(rs.getString(1));
			}
		}
		return lines;
	}

	/**
	 * Wait for a latch.
	 * @param latch the latch
	 * @param timeoutMillis how long to wait at most
	 * @return whether it opened in time
	 */
	static boolean await(CountDownLatch latch, long timeoutMillis) {
		try {
			return latch.await(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Poll until the condition holds.
	 * @return whether it held before the timeout
	 */
	static boolean await(BooleanSupplier condition, long timeoutMillis, long everyMillis) {
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			sleep(everyMillis);
		}
		return true;
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}

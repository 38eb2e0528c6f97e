package dev.taskqueue.benchmark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One database the phases run against, PostgreSQL or MariaDB: its pools (the plain URL and, for
 * PostgreSQL, the URL with {@code reWriteBatchedInserts}) and what differs between the two for the
 * benchmark's own housekeeping (schemas, emptying tables, settling before a timed run, server CPU).
 */
final class Database implements AutoCloseable {

	/** Connections for the engines and schedulers: enough for db-scheduler's largest thread pool. */
	static final int POOL_SIZE = 72;

	private static final String REWRITE = "reWriteBatchedInserts=true";

	final String name;

	private final boolean postgres;

	private final HikariDataSource dataSource;

	/** The URL variants the enqueue runs compare, by label; the first is the plain pool. */
	private final Map<String, HikariDataSource> variants = new LinkedHashMap<>();

	final BackendCpu serverCpu;

	private Database(String name, HikariDataSource dataSource) {
		this.name = name;
		this.postgres = name.equals("PostgreSQL");
		this.dataSource = dataSource;
		this.variants.put("plain", dataSource);
		this.serverCpu = this.postgres ? BackendCpu.ofSessions(dataSource, "bench", "bench-rewrite")
				: BackendCpu.ofServer("mariadbd");
	}

	static Database postgres(Options options) {
		Database database = new Database("PostgreSQL",
				Db.pool(options.url, options.user, options.password, "bench", POOL_SIZE));
		String url = options.url + (options.url.contains("?") ? "&" : "?") + REWRITE;
		database.variants.put(REWRITE, Db.pool(url, options.user, options.password, "bench-rewrite", 8));
		return database;
	}

	static Database mariaDb(Options options) {
		return new Database("MariaDB",
				Db.pool(options.mariaDbUrl, options.mariaDbUser, options.mariaDbPassword, "bench-mariadb", POOL_SIZE));
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	Map<String, ? extends DataSource> variants() {
		return this.variants;
	}

	/** The name of the URL option the variants differ by. */
	String urlColumn() {
		return this.postgres ? "pgjdbc URL" : "URL";
	}

	String version() {
		return Db.queryString(this.dataSource, this.postgres ? "SHOW server_version" : "SELECT version()");
	}

	/** Both systems' tables, freshly created (dropped first, should a failed run have left them). */
	void createSchemas() {
		dropSchemas();
		Db.createTaskQueueSchema(this.dataSource, script());
		Db.createDbSchedulerSchema(this.dataSource, this.postgres);
	}

	void dropSchemas() {
		Db.dropTaskQueueSchema(this.dataSource, script());
		Db.dropDbSchedulerSchema(this.dataSource);
	}

	void truncate(String... tables) {
		if (this.postgres) {
			Db.truncate(this.dataSource, tables);
		}
		else {
			for (String table : tables) {
				Db.execute(this.dataSource, "TRUNCATE TABLE " + table);
			}
		}
	}

	/** Flush dirty pages, so that no checkpoint falls due during the next timed run (PostgreSQL only). */
	void checkpoint() {
		if (this.postgres) {
			Db.execute(this.dataSource, "CHECKPOINT");
		}
	}

	/**
	 * Fresh planner statistics (taken, as autovacuum would on a queue that was idle, while every task
	 * waits) and no checkpoint due during the drain.
	 */
	void settle(String table) {
		Db.execute(this.dataSource, (this.postgres ? "ANALYZE " : "ANALYZE TABLE ") + table);
		checkpoint();
	}

	/** db-scheduler stores zone-less timestamps on MariaDB and asks for UTC there. */
	boolean zonelessTimestamps() {
		return !this.postgres;
	}

	private String script() {
		return this.name.toLowerCase(Locale.ROOT);
	}

	@Override
	public void close() {
		this.variants.values().forEach(HikariDataSource::close);
	}

}

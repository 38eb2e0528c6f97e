package dev.taskqueue.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

/**
 * A PostgreSQL server of a test's own that can be stopped, started and restarted, for
 * tests of what happens when the database goes away and comes back.
 * <p>
 * The server is a zonky embedded PostgreSQL on a data directory that this class creates
 * and owns. Every start uses that same data directory and the port chosen on the first
 * start, so the connection pools from {@link #dataSource(String)} reach the same database
 * again once the server is back. Stopping is a fast shutdown ({@code pg_ctl stop -m fast}):
 * sessions are disconnected and a shutdown checkpoint writes out everything committed.
 * As root, zonky runs {@code initdb}, {@code pg_ctl} and the server under
 * {@code unshare -U}, as PostgreSQL refuses to run as root.
 * <p>
 * {@link #close()} closes the pools, stops the server and deletes the data directory; a
 * shutdown hook does the same if the JVM exits first.
 */
public final class RestartablePostgres implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RestartablePostgres.class);

	private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

	private static final int POOL_SIZE = 10;

	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);

	private final Path dataDirectory;

	private final List<HikariDataSource> pools = new ArrayList<>();

	private final Thread shutdownHook = new Thread(this::release, "restartable-postgres-shutdown");

	private int port;

	private @Nullable EmbeddedPostgres server;

	private boolean closed;

	/**
	 * Create a new data directory, initialize it with {@code initdb} and start a server on
	 * it, on a free port.
	 * @throws UncheckedIOException if the directory could not be created or the server
	 * did not start
	 */
	public RestartablePostgres() {
		try {
			this.dataDirectory = Files.createTempDirectory("taskqueue-restartable-pg-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a PostgreSQL data directory", ex);
		}
		try {
			start();
		}
		catch (RuntimeException | Error ex) {
			release();
			throw ex;
		}
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Return the JDBC URL of the {@code postgres} database, with the {@code postgres}
	 * superuser (no password) as its {@code user} parameter. It stays the same across
	 * restarts.
	 * @return the JDBC URL
	 */
	public synchronized String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres?user=postgres";
	}

	/**
	 * Return a new HikariCP pool of up to 10 connections to the {@code postgres} database,
	 * closed by {@link #close()}. Borrowing a connection fails after 2 seconds while the
	 * server is down, and the pool reconnects once it is back; a pool created while the
	 * server is stopped connects on first use.
	 * @param applicationName the pool's name and the {@code application_name} of its
	 * sessions
	 * @return the pool
	 */
	public synchronized DataSource dataSource(String applicationName) {
		Assert.state(!this.closed, "RestartablePostgres has been closed");
		HikariConfig config = new HikariConfig();
		config.setPoolName(applicationName);
		config.setJdbcUrl(jdbcUrl());
		config.addDataSourceProperty("ApplicationName", applicationName);
		config.setMaximumPoolSize(POOL_SIZE);
		config.setMinimumIdle(1);
		config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
		config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
		config.setInitializationFailTimeout(-1);
		HikariDataSource dataSource = new HikariDataSource(config);
		this.pools.add(dataSource);
		return dataSource;
	}

	/**
	 * Return whether the server has been started and not stopped since.
	 * @return {@code true} if the server runs
	 */
	public synchronized boolean isRunning() {
		return this.server != null;
	}

	/**
	 * Stop the server with a fast shutdown and start it again on the same data directory
	 * and port.
	 */
	public synchronized void restart() {
		long start = System.nanoTime();
		stop();
		start();
		logger.info("Restarted PostgreSQL on port " + this.port + " in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
	}

	/**
	 * Stop the server with a fast shutdown ({@code pg_ctl stop -m fast}), waiting until it
	 * has exited. Does nothing if the server is stopped already.
	 * @throws IllegalStateException if the server did not stop
	 */
	public synchronized void stop() {
		EmbeddedPostgres server = this.server;
		if (server == null) {
			return;
		}
		this.server = null;
		try {
			server.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not stop PostgreSQL on port " + this.port, ex);
		}
		// zonky logs a failed "pg_ctl stop" rather than throwing; the server removes its
		// pid file last thing on a clean shutdown
		Assert.state(!Files.exists(this.dataDirectory.resolve("postmaster.pid")),
				() -> "PostgreSQL on port " + this.port + " did not stop (" + this.dataDirectory + ")");
	}

	/**
	 * Start the server on the data directory and port it had before, waiting until it
	 * accepts connections.
	 * @throws IllegalStateException if the server is running already or this has been
	 * closed
	 * @throws UncheckedIOException if the server did not start
	 */
	public synchronized void start() {
		Assert.state(!this.closed, "RestartablePostgres has been closed");
		Assert.state(this.server == null, () -> "PostgreSQL on port " + this.port + " is running already");
		try {
			// zonky runs initdb only while the directory has no postgresql.conf, and picks a
			// free port when given 0
			EmbeddedPostgres server = EmbeddedPostgres.builder()
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setPort(this.port)
				.setPGStartupWait(STARTUP_WAIT)
				.setRegisterShutdownHook(false)
				.start();
			this.port = server.getPort();
			this.server = server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL in " + this.dataDirectory, ex);
		}
	}

	/**
	 * Close the pools, stop the server and delete its data directory.
	 */
	@Override
	public void close() {
		Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		release();
	}

	private synchronized void release() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.pools.forEach(HikariDataSource::close);
		try {
			stop();
		}
		finally {
			try {
				FileSystemUtils.deleteRecursively(this.dataDirectory);
			}
			catch (IOException ex) {
				logger.warn("Could not delete " + this.dataDirectory, ex);
			}
		}
	}

}

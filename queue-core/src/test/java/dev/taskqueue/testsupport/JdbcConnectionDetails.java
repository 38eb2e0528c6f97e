package dev.taskqueue.testsupport;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where a test's database is and how to log in to it, so that another JVM (see
 * {@link ChildJvm}) can reach the same database: read from one of the pools that
 * {@link TestDatabases} or {@link RestartablePostgres} return, handed to the child as
 * environment variables, and turned back into a pool there.
 *
 * @param url the JDBC URL
 * @param username the user, or {@code null} if the URL names it or none is needed
 * @param password the password, or {@code null}
 */
public record JdbcConnectionDetails(String url, @Nullable String username, @Nullable String password) {

	private static final String URL_VARIABLE = "TASKQUEUE_CHILD_JDBC_URL";

	private static final String USERNAME_VARIABLE = "TASKQUEUE_CHILD_JDBC_USERNAME";

	private static final String PASSWORD_VARIABLE = "TASKQUEUE_CHILD_JDBC_PASSWORD";

	/**
	 * Read the connection details of a HikariCP pool, such as those of
	 * {@link TestDatabases#postgres()}.
	 * @param dataSource the pool
	 * @return its URL, user and password
	 * @throws IllegalArgumentException if the data source is not a HikariCP pool
	 */
	public static JdbcConnectionDetails of(DataSource dataSource) {
		HikariDataSource pool;
		try {
			pool = dataSource.unwrap(HikariDataSource.class);
		}
		catch (SQLException ex) {
			throw new IllegalArgumentException("Not a HikariCP pool: " + dataSource, ex);
		}
		return new JdbcConnectionDetails(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
	}

	/**
	 * Read the connection details that {@link #environment()} handed to this JVM.
	 * @return the connection details
	 * @throws IllegalArgumentException if the URL variable is not set
	 */
	public static JdbcConnectionDetails fromEnvironment() {
		String url = System.getenv(URL_VARIABLE);
		Assert.hasText(url, () -> URL_VARIABLE + " is not set");
		return new JdbcConnectionDetails(url, System.getenv(USERNAME_VARIABLE), System.getenv(PASSWORD_VARIABLE));
	}

	/**
	 * Return environment variables that hand these details to a child JVM; read them back
	 * there with {@link #fromEnvironment()}. The password goes into the environment rather
	 * than the command line, where any process could read it.
	 * @return the environment variables
	 */
	public Map<String, String> environment() {
		Map<String, String> environment = new HashMap<>();
		environment.put(URL_VARIABLE, this.url);
		if (this.username != null) {
			environment.put(USERNAME_VARIABLE, this.username);
		}
		if (this.password != null) {
			environment.put(PASSWORD_VARIABLE, this.password);
		}
		return environment;
	}

	/**
	 * Return a new HikariCP pool on this database, to be closed by the caller.
	 * @param name the pool's name
	 * @param maximumPoolSize the most connections it holds
	 * @return the pool
	 */
	public HikariDataSource pool(String name, int maximumPoolSize) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(this.url);
		config.setUsername(this.username);
		config.setPassword(this.password);
		config.setMaximumPoolSize(maximumPoolSize);
		config.setMinimumIdle(1);
		return new HikariDataSource(config);
	}

	@Override
	public String toString() {
		return "JdbcConnectionDetails[url=" + this.url + ", username=" + this.username + ", password="
				+ ((this.password != null) ? "(hidden)" : null) + "]";
	}

}

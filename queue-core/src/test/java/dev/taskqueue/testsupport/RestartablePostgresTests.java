package dev.taskqueue.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Objects;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RestartablePostgres}.
 */
class RestartablePostgresTests {

	private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(30);

	@Test
	void restartKeepsTheDataAndThePoolReconnects() throws Exception {
		try (RestartablePostgres postgres = new RestartablePostgres()) {
			String jdbcUrl = postgres.jdbcUrl();
			JdbcTemplate jdbc = new JdbcTemplate(postgres.dataSource("restart-test"));
			jdbc.execute("CREATE TABLE restart_test (id INT PRIMARY KEY, name TEXT NOT NULL)");
			jdbc.update("INSERT INTO restart_test VALUES (1, 'before restart')");
			Timestamp startedBefore = jdbc.queryForObject("SELECT pg_postmaster_start_time()", Timestamp.class);

			postgres.restart();

			String name = await().atMost(RECONNECT_TIMEOUT)
				.ignoreExceptions()
				.until(() -> jdbc.queryForObject("SELECT name FROM restart_test WHERE id = 1", String.class),
						Objects::nonNull);
			assertThat(name).isEqualTo("before restart");
			assertThat(jdbc.queryForObject("SELECT pg_postmaster_start_time()", Timestamp.class))
				.isAfter(startedBefore);
			assertThat(postgres.jdbcUrl()).isEqualTo(jdbcUrl);
			try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
				assertThat(connection.isValid(1)).isTrue();
			}
		}
	}

	@Test
	void poolFailsWhileStoppedAndReconnectsAfterStart() {
		try (RestartablePostgres postgres = new RestartablePostgres()) {
			DataSource dataSource = postgres.dataSource("stop-start-test");
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isOne();

			postgres.stop();
			assertThatException().isThrownBy(() -> jdbc.queryForObject("SELECT 1", Integer.class));

			postgres.start();
			await().atMost(RECONNECT_TIMEOUT)
				.ignoreExceptions()
				.until(() -> jdbc.queryForObject("SELECT 1", Integer.class), (result) -> result == 1);
		}
	}

}

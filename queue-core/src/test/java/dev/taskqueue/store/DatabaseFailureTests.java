package dev.taskqueue.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.TransactionSystemException;

import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Failures classified as the databases really raise them.
 */
class DatabaseFailureTests {

	private final String table = TestDatabases.uniqueTablePrefix() + "NOTES";

	@Test
	void missingTableIsASchemaErrorOnEveryDatabase() {
		for (DataSource dataSource : new DataSource[] { TestDatabases.h2(), TestDatabases.postgres(),
				TestDatabases.mariadb() }) {
			assertThat(DatabaseFailure.of(failure(dataSource, (jdbc) -> jdbc.queryForList("SELECT x FROM " + this.table))))
				.as(TestDatabases.describe(dataSource))
				.isEqualTo(DatabaseFailure.SCHEMA);
		}
	}

	@Test
	void nulInPostgresTextIsRefusedData() {
		RuntimeException ex = withTable(TestDatabases.postgres(),
				(jdbc) -> jdbc.update("INSERT INTO " + this.table + " (id, note) VALUES (1, ?)", "a\u0000b"));
		assertThat(DatabaseFailure.of(ex)).isEqualTo(DatabaseFailure.DATA);
		assertThat(DatabaseFailure.message(ex)).contains("0x00");
	}

	@Test
	void textTooLongForAMariaDbColumnIsRefusedData() {
		RuntimeException ex = withTable(TestDatabases.mariadb(),
				(jdbc) -> jdbc.update("INSERT INTO " + this.table + " (id, note) VALUES (1, ?)", "x".repeat(70_000)));
		assertThat(DatabaseFailure.of(ex)).isEqualTo(DatabaseFailure.DATA);
		assertThat(DatabaseFailure.message(ex)).contains("Data too long");
	}

	@Test
	void duplicateKeyIsRefusedData() {
		RuntimeException ex = withTable(TestDatabases.h2(), (jdbc) -> {
			jdbc.update("INSERT INTO " + this.table + " (id, note) VALUES (1, 'a')");
			jdbc.update("INSERT INTO " + this.table + " (id, note) VALUES (1, 'b')");
		});
		assertThat(DatabaseFailure.of(ex)).isEqualTo(DatabaseFailure.DATA);
	}

	@Test
	void postgresConnectionTerminatedByTheServerIsAConnectionFailure() throws SQLException {
		assertThat(DatabaseFailure.of(killed(TestDatabases.postgres(), "SELECT pg_backend_pid()",
				"SELECT pg_terminate_backend(%d)"))).isEqualTo(DatabaseFailure.CONNECTION);
	}

	@Test
	void mariaDbConnectionKilledIsAConnectionFailure() throws SQLException {
		assertThat(DatabaseFailure.of(killed(TestDatabases.mariadb(), "SELECT CONNECTION_ID()", "KILL %d")))
			.isEqualTo(DatabaseFailure.CONNECTION);
	}

	@Test
	void serverThatRefusesConnectionsIsAConnectionFailure() {
		DriverManagerDataSource nowhere = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/test", "postgres",
				"");
		assertThat(DatabaseFailure.of(failure(nowhere, (jdbc) -> jdbc.queryForList("SELECT 1"))))
			.isEqualTo(DatabaseFailure.CONNECTION);
	}

	@Test
	void lockConflictIsTransient() {
		assertThat(DatabaseFailure.of(new CannotAcquireLockException("lock wait timeout")))
			.isEqualTo(DatabaseFailure.TRANSIENT);
	}

	@Test
	void valueOverMariaDbsPacketLimitIsRefusedDataThoughTheServerClosesTheConnection() {
		SQLException tooBig = new SQLNonTransientConnectionException(
				"Got a packet bigger than 'max_allowed_packet' bytes", "08S01", 1153);
		assertThat(DatabaseFailure.of(new DataIntegrityViolationException("update", tooBig)))
			.isEqualTo(DatabaseFailure.DATA);
	}

	@Test
	void rollbackThatFailedAfterAStatementIsClassifiedByTheStatementsFailure() {
		TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
				new SQLNonTransientConnectionException("Connection is closed", "08000"));
		rollback.initApplicationException(new DataIntegrityViolationException("value too long"));
		assertThat(DatabaseFailure.of(rollback)).isEqualTo(DatabaseFailure.DATA);
		assertThat(DatabaseFailure.message(rollback)).isEqualTo("value too long");
	}

	private RuntimeException withTable(DataSource dataSource, Consumer<JdbcTemplate> statements) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("CREATE TABLE " + this.table + " (id INT PRIMARY KEY, note TEXT)");
		try {
			return failure(dataSource, statements);
		}
		finally {
			jdbc.execute("DROP TABLE " + this.table);
		}
	}

	private static RuntimeException failure(DataSource dataSource, Consumer<JdbcTemplate> statements) {
		return catchThrowableOfType(RuntimeException.class, () -> statements.accept(new JdbcTemplate(dataSource)));
	}

	/** Runs a statement on a connection that another one killed. */
	private static RuntimeException killed(DataSource dataSource, String idQuery, String kill) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			JdbcTemplate victim = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
			long id = victim.queryForObject(idQuery, Long.class);
			new JdbcTemplate(dataSource).execute(kill.formatted(id));
			return failure(new SingleConnectionDataSource(connection, true), (jdbc) -> jdbc.queryForList("SELECT 1"));
		}
	}

}

package dev.taskqueue.store.jdbc.dialect;

import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Dialect detection.
 */
class DialectTests {

	@Test
	void detectsEachSupportedDatabaseFromItsMetadata() {
		assertThat(Dialect.of(TestDatabases.h2())).isInstanceOf(H2Dialect.class);
		assertThat(Dialect.of(TestDatabases.postgres())).isInstanceOf(PostgresDialect.class);
		assertThat(Dialect.of(TestDatabases.mariadb())).isInstanceOf(MariaDbDialect.class);
		assertThat(Dialect.forProduct("MySQL").platform()).isEqualTo("mysql");
	}

	@Test
	void unsupportedDatabaseFailsNamingIt() {
		assertThatIllegalStateException().isThrownBy(() -> Dialect.forProduct("Oracle"))
			.withMessage("Unsupported database 'Oracle' for TaskQueue; supported: H2, PostgreSQL, MariaDB, MySQL");
	}

	@Test
	void postgresBindsInstantsToTheMicrosecondWhateverTheirYearAndOrder() {
		PostgresDialect dialect = new PostgresDialect();
		Instant now = Instant.parse("2026-12-05T02:45:00.123456789Z");
		List<Instant> instants = List.of(now, now, now.plusNanos(1_000), Instant.parse("0001-01-01T00:00:00Z"),
				Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
				Instant.parse("0000-06-01T12:00:00Z"), now);
		List<String> columns = new ArrayList<>();
		for (int i = 0; i < instants.size(); i++) {
			columns.add("?::timestamptz AS at" + i);
		}
		String select = "SELECT " + String.join(", ", columns);
		List<Instant> read = new JdbcTemplate(TestDatabases.postgres()).query(select, (ps) -> {
			for (int i = 0; i < instants.size(); i++) {
				dialect.setInstant(ps, i + 1, instants.get(i));
			}
		}, (ResultSet rs) -> {
			rs.next();
			List<Instant> row = new ArrayList<>();
			for (int i = 0; i < instants.size(); i++) {
				row.add(dialect.getInstant(rs, "at" + i));
			}
			return row;
		});
		assertThat(read).isEqualTo(instants.stream().map((instant) -> instant.truncatedTo(ChronoUnit.MICROS)).toList());
	}

	@Test
	void onlyPostgresNotifies() {
		assertThat(new PostgresDialect().listenSql("tq_task")).isEqualTo("LISTEN \"tq_task\"");
		assertThat(new PostgresDialect().notifySql()).isNotNull();
		assertThat(new H2Dialect().listenSql("tq_task")).isNull();
		assertThat(new MariaDbDialect().notifySql()).isNull();
	}

}

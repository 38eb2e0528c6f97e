package dev.taskqueue.store.jdbc.dialect;

import org.junit.jupiter.api.Test;

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
	void onlyPostgresNotifies() {
		assertThat(new PostgresDialect().listenSql("tq_task")).isEqualTo("LISTEN \"tq_task\"");
		assertThat(new PostgresDialect().notifySql()).isNotNull();
		assertThat(new H2Dialect().listenSql("tq_task")).isNull();
		assertThat(new MariaDbDialect().notifySql()).isNull();
	}

}

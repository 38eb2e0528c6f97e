package dev.taskqueue.testsupport;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link TestDatabases}.
 */
class TestDatabasesTests {

	@Test
	void h2SchemaCanBeCreatedAndDropped() {
		assertSchemaCanBeCreatedAndDropped(TestDatabases.h2(), "h2");
	}

	@Test
	void h2ReturnsADifferentDatabaseEachTime() {
		DataSource first = TestDatabases.h2();
		DataSource second = TestDatabases.h2();
		TestDatabases.createSchema(first, "h2", "TQ_");
		assertThat(new JdbcTemplate(first).queryForObject("SELECT COUNT(*) FROM TQ_TASK", Integer.class)).isZero();
		assertThatException()
			.isThrownBy(() -> new JdbcTemplate(second).queryForObject("SELECT COUNT(*) FROM TQ_TASK", Integer.class));
	}

	@Test
	void postgresSchemaCanBeCreatedAndDropped() {
		DataSource dataSource = TestDatabases.postgres();
		assertThat(TestDatabases.postgres()).isSameAs(dataSource);
		assertSchemaCanBeCreatedAndDropped(dataSource, "postgresql");
	}

	@Test
	void mariadbSchemaCanBeCreatedAndDropped() {
		DataSource dataSource = TestDatabases.mariadb();
		assertThat(TestDatabases.mariadb()).isSameAs(dataSource);
		assertSchemaCanBeCreatedAndDropped(dataSource, "mariadb");
	}

	@Test
	void mysqlSchemaRunsOnMariadb() {
		assertSchemaCanBeCreatedAndDropped(TestDatabases.mariadb(), "mysql");
	}

	private void assertSchemaCanBeCreatedAndDropped(DataSource dataSource, String platform) {
		String prefix = TestDatabases.uniqueTablePrefix();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		assertThat(TestDatabases.describe(dataSource)).isNotBlank();
		TestDatabases.createSchema(dataSource, platform, prefix);
		try {
			// Idempotent: running it again is harmless
			TestDatabases.createSchema(dataSource, platform, prefix);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + prefix + "TASK", Integer.class)).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + prefix + "TASK_PARENT", Integer.class))
				.isZero();
		}
		finally {
			TestDatabases.dropSchema(dataSource, platform, prefix);
		}
		assertThatException()
			.isThrownBy(() -> jdbc.queryForObject("SELECT COUNT(*) FROM " + prefix + "TASK", Integer.class));
	}

}

package dev.taskqueue.autoconfigure.jpa;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * {@link JpaTransactionContractTests} on PostgreSQL.
 */
class PostgresJpaTransactionTests extends JpaTransactionContractTests {

	private final DataSource dataSource = TestDatabases.postgres();

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected String platform() {
		return "postgresql";
	}

}

package dev.taskqueue.autoconfigure.jpa;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * {@link JpaTransactionContractTests} on MariaDB.
 */
class MariaDbJpaTransactionTests extends JpaTransactionContractTests {

	private final DataSource dataSource = TestDatabases.mariadb();

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected String platform() {
		return "mariadb";
	}

}

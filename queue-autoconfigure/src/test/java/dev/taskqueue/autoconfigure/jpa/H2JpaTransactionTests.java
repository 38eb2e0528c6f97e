package dev.taskqueue.autoconfigure.jpa;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * {@link JpaTransactionContractTests} on H2.
 */
class H2JpaTransactionTests extends JpaTransactionContractTests {

	private final DataSource dataSource = TestDatabases.h2();

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected String platform() {
		return "h2";
	}

}

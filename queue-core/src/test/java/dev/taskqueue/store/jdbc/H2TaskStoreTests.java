package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * The contract on H2.
 */
class H2TaskStoreTests extends TaskStoreContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

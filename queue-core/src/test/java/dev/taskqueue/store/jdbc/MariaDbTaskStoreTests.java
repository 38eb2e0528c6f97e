package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * The contract on MariaDb.
 */
class MariaDbTaskStoreTests extends TaskStoreContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * The contract on Postgres.
 */
class PostgresTaskStoreTests extends TaskStoreContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

package dev.taskqueue.retention;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresRetentionTests extends RetentionContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

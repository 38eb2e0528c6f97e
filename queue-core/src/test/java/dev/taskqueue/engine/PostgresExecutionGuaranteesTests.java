package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresExecutionGuaranteesTests extends ExecutionGuaranteesContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

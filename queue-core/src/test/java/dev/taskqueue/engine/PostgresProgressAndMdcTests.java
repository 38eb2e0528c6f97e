package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresProgressAndMdcTests extends ProgressAndMdcContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

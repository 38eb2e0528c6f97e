package dev.taskqueue.http;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresHttpTasksTests extends HttpTasksContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

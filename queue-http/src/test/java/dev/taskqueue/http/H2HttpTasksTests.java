package dev.taskqueue.http;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2HttpTasksTests extends HttpTasksContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

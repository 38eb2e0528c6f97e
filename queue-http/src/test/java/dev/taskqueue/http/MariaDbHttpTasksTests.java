package dev.taskqueue.http;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbHttpTasksTests extends HttpTasksContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

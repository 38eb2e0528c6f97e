package dev.taskqueue.browse;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2TaskBrowserTests extends TaskBrowserContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.browse;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbTaskBrowserTests extends TaskBrowserContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

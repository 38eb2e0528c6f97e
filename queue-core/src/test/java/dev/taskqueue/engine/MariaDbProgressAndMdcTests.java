package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbProgressAndMdcTests extends ProgressAndMdcContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

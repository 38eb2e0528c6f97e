package dev.taskqueue.daemon;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresDaemonTests extends DaemonContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

package dev.taskqueue.daemon;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2DaemonTests extends DaemonContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.daemon;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbDaemonTests extends DaemonContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

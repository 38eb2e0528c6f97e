package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresNodesTests extends NodesContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

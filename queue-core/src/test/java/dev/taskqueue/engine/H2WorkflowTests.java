package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2WorkflowTests extends WorkflowContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresWorkflowTests extends WorkflowContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

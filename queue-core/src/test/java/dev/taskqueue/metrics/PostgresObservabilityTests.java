package dev.taskqueue.metrics;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresObservabilityTests extends ObservabilityContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

package dev.taskqueue.metrics;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2ObservabilityTests extends ObservabilityContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

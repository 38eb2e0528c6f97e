package dev.taskqueue.autoconfigure.actuate;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresTaskQueueActuatorTests extends TaskQueueActuatorContractTests {

	@Override
	protected DataSource createDataSource() {
		return TestDatabases.postgres();
	}

	@Override
	protected String platform() {
		return "postgresql";
	}

}

package dev.taskqueue.autoconfigure.actuate;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2TaskQueueActuatorTests extends TaskQueueActuatorContractTests {

	@Override
	protected DataSource createDataSource() {
		return TestDatabases.h2();
	}

	@Override
	protected String platform() {
		return "h2";
	}

}

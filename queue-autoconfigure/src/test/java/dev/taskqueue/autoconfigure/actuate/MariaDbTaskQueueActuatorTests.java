package dev.taskqueue.autoconfigure.actuate;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbTaskQueueActuatorTests extends TaskQueueActuatorContractTests {

	@Override
	protected DataSource createDataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	protected String platform() {
		return "mariadb";
	}

}

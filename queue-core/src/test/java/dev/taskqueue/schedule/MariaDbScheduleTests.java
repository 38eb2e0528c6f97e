package dev.taskqueue.schedule;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * Schedules on MariaDB.
 */
class MariaDbScheduleTests extends ScheduleContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

package dev.taskqueue.schedule;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * Schedules on H2.
 */
class H2ScheduleTests extends ScheduleContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.schedule;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

/**
 * Schedules on PostgreSQL.
 */
class PostgresScheduleTests extends ScheduleContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

}

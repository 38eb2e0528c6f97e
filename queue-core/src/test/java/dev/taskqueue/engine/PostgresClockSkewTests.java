package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class PostgresClockSkewTests extends ClockSkewContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

	@Override
	protected String setSessionTimeZone() {
		return "SET TIME ZONE 'America/New_York'";
	}

}

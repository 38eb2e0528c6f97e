package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2ClockSkewTests extends ClockSkewContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

	@Override
	protected String setSessionTimeZone() {
		return "SET TIME ZONE '+05:00'";
	}

}

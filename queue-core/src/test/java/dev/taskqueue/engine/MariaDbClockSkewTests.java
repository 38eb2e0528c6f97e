package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbClockSkewTests extends ClockSkewContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	protected String setSessionTimeZone() {
		return "SET time_zone = '+05:00'";
	}

}

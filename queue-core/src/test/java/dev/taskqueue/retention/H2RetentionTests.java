package dev.taskqueue.retention;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2RetentionTests extends RetentionContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

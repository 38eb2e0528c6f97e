package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2ProgressAndMdcTests extends ProgressAndMdcContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

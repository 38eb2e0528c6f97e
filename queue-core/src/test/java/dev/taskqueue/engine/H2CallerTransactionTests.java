package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2CallerTransactionTests extends CallerTransactionContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class H2SchemaUpgradeTests extends SchemaUpgradeContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

}

package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;

class MariaDbSchemaUpgradeTests extends SchemaUpgradeContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

}

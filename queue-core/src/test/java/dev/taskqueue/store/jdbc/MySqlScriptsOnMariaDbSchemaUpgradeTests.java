package dev.taskqueue.store.jdbc;

import javax.sql.DataSource;

import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.testsupport.TestDatabases;

/**
 * The MySQL schema and upgrade scripts, which use no {@code IF NOT EXISTS} on columns and
 * indexes, run on MariaDB: no test starts a MySQL server, and MariaDB accepts their syntax.
 */
class MySqlScriptsOnMariaDbSchemaUpgradeTests extends SchemaUpgradeContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	protected Dialect dialect(DataSource dataSource) {
		return Dialect.forProduct("MySQL");
	}

}

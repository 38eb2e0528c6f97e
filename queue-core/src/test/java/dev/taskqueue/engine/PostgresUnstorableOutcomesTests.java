package dev.taskqueue.engine;

import javax.sql.DataSource;

import tools.jackson.databind.util.RawValue;

import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.testsupport.TestNodes;

class PostgresUnstorableOutcomesTests extends UnstorableOutcomesContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.postgres();
	}

	/** Raw JSON holding a NUL byte, which PostgreSQL refuses in text. */
	@Override
	protected Object unstorableResult(TestNodes nodes) {
		return new RawValue("\"a\u0000b\"");
	}

}

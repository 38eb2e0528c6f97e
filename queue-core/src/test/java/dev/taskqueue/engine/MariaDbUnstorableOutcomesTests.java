package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.testsupport.TestNodes;

class MariaDbUnstorableOutcomesTests extends UnstorableOutcomesContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.mariadb();
	}

	@Override
	protected Object unstorableResult(TestNodes nodes) {
		return refusedByConstraint(nodes);
	}

}

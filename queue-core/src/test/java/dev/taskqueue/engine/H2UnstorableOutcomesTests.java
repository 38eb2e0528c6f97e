package dev.taskqueue.engine;

import javax.sql.DataSource;

import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.testsupport.TestNodes;

class H2UnstorableOutcomesTests extends UnstorableOutcomesContractTests {

	@Override
	protected DataSource dataSource() {
		return TestDatabases.h2();
	}

	@Override
	protected Object unstorableResult(TestNodes nodes) {
		return refusedByConstraint(nodes);
	}

}

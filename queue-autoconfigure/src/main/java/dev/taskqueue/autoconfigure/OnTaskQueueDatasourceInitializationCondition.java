package dev.taskqueue.autoconfigure;

import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;

/**
 * Condition that matches unless {@code taskqueue.jdbc.initialize-schema} is {@code never}.
 */
class OnTaskQueueDatasourceInitializationCondition extends OnDatabaseInitializationCondition {

	OnTaskQueueDatasourceInitializationCondition() {
		super("TaskQueue", "taskqueue.jdbc.initialize-schema");
	}

}

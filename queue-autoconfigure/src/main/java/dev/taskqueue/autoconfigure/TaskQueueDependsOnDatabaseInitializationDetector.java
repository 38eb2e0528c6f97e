package dev.taskqueue.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitializationDetector;

import dev.taskqueue.engine.TaskQueueEngine;

/**
 * {@link DependsOnDatabaseInitializationDetector} for {@link TaskQueueEngine}, so that workers
 * start only once the task tables exist, whichever initializer (ours, Flyway, Liquibase)
 * creates them.
 */
class TaskQueueDependsOnDatabaseInitializationDetector
		extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {

	@Override
	protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
		return Set.of(TaskQueueEngine.class);
	}

}

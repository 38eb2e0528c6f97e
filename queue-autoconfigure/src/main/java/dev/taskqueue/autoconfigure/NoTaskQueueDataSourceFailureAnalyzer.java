package dev.taskqueue.autoconfigure;

import java.util.Arrays;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Explains a missing TaskQueue bean by what TaskQueue needs: a single DataSource. Runs before
 * Boot's analyzer of missing beans, which would only say that some bean needs a
 * {@link TaskQueue}.
 */
class NoTaskQueueDataSourceFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private static final Set<Class<?>> TASK_QUEUE_TYPES = Set.of(TaskQueue.class, TaskQueueEngine.class,
			TaskTypeRegistry.class);

	private final BeanFactory beanFactory;

	private final Environment environment;

	NoTaskQueueDataSourceFailureAnalyzer(BeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		if (cause.getBeanType() == null || !TASK_QUEUE_TYPES.contains(cause.getBeanType())
				|| !this.environment.getProperty("taskqueue.enabled", Boolean.class, true)
				|| !(this.beanFactory instanceof ListableBeanFactory listable)) {
			return null;
		}
		String[] dataSources = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(listable, DataSource.class);
		if (dataSources.length == 0) {
			return new FailureAnalysis("""
					A component required a bean of type '%s', which TaskQueue provides, but TaskQueue was not \
					configured because there is no DataSource: TaskQueue keeps its tasks in the application's \
					database.""".formatted(cause.getBeanType().getName()), """
					Give the application a DataSource: add a JDBC driver (H2, PostgreSQL, MariaDB or MySQL) to \
					the classpath and set 'spring.datasource.url' (with 'spring.datasource.username' and \
					'spring.datasource.password'), or add an embedded database such as H2 to the classpath, \
					or define a DataSource bean.""", cause);
		}
		if (dataSources.length > 1) {
			return new FailureAnalysis("""
					A component required a bean of type '%s', which TaskQueue provides, but TaskQueue was not \
					configured because there are %d DataSource beans %s and none is primary.""".formatted(
					cause.getBeanType().getName(), dataSources.length, Arrays.toString(dataSources)), """
					Mark the DataSource that TaskQueue and the application share as @Primary; TaskQueue can \
					then keep its tasks in another one annotated @TaskQueueDataSource.""", cause);
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

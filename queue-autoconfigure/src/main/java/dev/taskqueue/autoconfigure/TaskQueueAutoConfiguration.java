package dev.taskqueue.autoconfigure;

import java.time.Clock;

import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.annotation.TaskAnnotationBeanPostProcessor;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for TaskQueue.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "taskqueue.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TaskQueueProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class TaskQueueAutoConfiguration {

	@Bean
	TaskQueueJdbcProperties taskQueueJdbcProperties(TaskQueueProperties properties) {
		return properties.getJdbc();
	}

	@Bean
	@ConditionalOnMissingBean
	static TaskAnnotationBeanPostProcessor taskAnnotationBeanPostProcessor() {
		return new TaskAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskTypeRegistry taskTypeRegistry(TaskQueueProperties properties, ResourceLoader resourceLoader) {
		TaskTypesPropertiesMapper mapper = new TaskTypesPropertiesMapper(properties, resourceLoader.getClassLoader());
		return new TaskTypeRegistry(mapper.asTaskTypeDefinitions(), mapper.asDefaultSettings());
	}

	@Bean
	@ConditionalOnMissingBean
	TaskQueueEngine taskQueueEngine(DataSource dataSource,
			@TaskQueueDataSource ObjectProvider<DataSource> queueDataSource, TaskTypeRegistry registry,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<Clock> clock, TaskQueueProperties properties,
			TaskQueueJdbcProperties jdbcProperties, ObjectProvider<TaskQueueCustomizer> customizers) {
		TaskQueueProperties.Worker worker = properties.getWorker();
		TaskQueueEngine.Builder builder = TaskQueueEngine
			.builder(getDataSource(dataSource, queueDataSource), registry,
					jsonMapper.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build()))
			.tablePrefix(jdbcProperties.getTablePrefix())
			.workerEnabled(worker.isEnabled())
			.upgradeSchema(jdbcProperties.isUpgradeSchema());
		apply("taskqueue.worker.poll-interval", worker.getPollInterval(), builder::pollInterval);
		apply("taskqueue.worker.shutdown-timeout", worker.getShutdownTimeout(), builder::shutdownTimeout);
		apply("taskqueue.jdbc.wait-for-schema", jdbcProperties.getWaitForSchema(), builder::waitForSchema);
		apply("taskqueue.worker.concurrency", worker.getConcurrency(), builder::concurrency);
		apply("taskqueue.worker.batch-size", worker.getBatchSize(), builder::batchSize);
		apply("taskqueue.worker.claim-ahead", worker.getClaimAhead(), builder::claimAhead);
		TaskQueueProperties.Retention retention = properties.getRetention();
		builder.retention(new RetentionPropertiesMapper(retention).asRetentionPolicy());
		apply("taskqueue.retention.batch-size", retention.getBatchSize(), builder::retentionBatchSize);
		apply("taskqueue.retention.interval", retention.getInterval(), builder::retentionInterval);
		apply("taskqueue.retention.time-budget", retention.getTimeBudget(), builder::retentionTimeBudget);
		apply("taskqueue.retention.pause", retention.getPause(), builder::retentionPause);
		worker.getQueues().forEach((name, queue) -> {
			String property = (name.contains(".") ? "taskqueue.worker.queues[" + name + "]" : "taskqueue.worker.queues." + name)
					+ ".concurrency";
			apply(property, (queue.getConcurrency() != null) ? queue.getConcurrency() : worker.getConcurrency(),
					(concurrency) -> builder.queue(name, concurrency));
		});
		clock.ifUnique(builder::clock);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/** Passes a setting to the engine's builder; a value it refuses fails naming the property. */
	private static <T> void apply(String property, T value, Consumer<T> setter) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	TaskQueue taskQueue(TaskQueueEngine engine) {
		return engine.queue();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnTaskQueueDatasourceInitializationCondition.class)
	TaskQueueDataSourceScriptDatabaseInitializer taskQueueDataSourceScriptDatabaseInitializer(DataSource dataSource,
			@TaskQueueDataSource ObjectProvider<DataSource> queueDataSource, TaskQueueJdbcProperties properties) {
		return new TaskQueueDataSourceScriptDatabaseInitializer(getDataSource(dataSource, queueDataSource), properties);
	}

	private static DataSource getDataSource(DataSource dataSource, ObjectProvider<DataSource> queueDataSource) {
		return queueDataSource.getIfAvailable(() -> dataSource);
	}

}

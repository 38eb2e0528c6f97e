package dev.taskqueue.autoconfigure;

import java.time.Clock;

import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
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
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.Assert;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.annotation.DaemonAnnotationBeanPostProcessor;
import dev.taskqueue.annotation.DeclaredSchedules;
import dev.taskqueue.annotation.TaskAnnotationBeanPostProcessor;
import dev.taskqueue.daemon.DaemonRegistry;
import dev.taskqueue.daemon.TaskDaemons;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.schedule.TaskSchedules;
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
	static DaemonAnnotationBeanPostProcessor daemonAnnotationBeanPostProcessor() {
		return new DaemonAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	DaemonRegistry daemonRegistry(TaskQueueProperties properties) {
		DaemonRegistry registry = new DaemonRegistry();
		properties.getDaemons().forEach((name, daemon) -> {
			if (daemon.getAutoStart() != null) {
				String property = (name.contains(".") ? "taskqueue.daemons[" + name + "]" : "taskqueue.daemons." + name)
						+ ".auto-start";
				registry.configure(name, daemon.getAutoStart(), property);
			}
		});
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	TaskTypeRegistry taskTypeRegistry(TaskQueueProperties properties, ResourceLoader resourceLoader) {
		TaskTypesPropertiesMapper mapper = new TaskTypesPropertiesMapper(properties, resourceLoader.getClassLoader());
		return new TaskTypeRegistry(mapper.asTaskTypeDefinitions(), mapper.asDefaultSettings());
	}

	@Bean
	@ConditionalOnMissingBean
	DeclaredSchedules declaredSchedules(TaskQueueProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		return new DeclaredSchedules(new TaskSchedulesPropertiesMapper(properties.getSchedules(), getJsonMapper(jsonMapper)));
	}

	@Bean
	@ConditionalOnMissingBean
	TaskQueueEngine taskQueueEngine(DataSource dataSource,
			@TaskQueueDataSource ObjectProvider<DataSource> queueDataSource, TaskTypeRegistry registry,
			DeclaredSchedules declaredSchedules, DaemonRegistry daemonRegistry, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<Clock> clock, TaskQueueProperties properties, TaskQueueJdbcProperties jdbcProperties,
			ObjectProvider<TaskQueueCustomizer> customizers, ObjectProvider<RunLimitExitCodeGenerator> runLimitExit) {
		TaskQueueProperties.Worker worker = properties.getWorker();
		TaskQueueEngine.Builder builder = TaskQueueEngine
			.builder(getDataSource(dataSource, queueDataSource), registry, getJsonMapper(jsonMapper))
			.tablePrefix(jdbcProperties.getTablePrefix())
			.workerEnabled(worker.isEnabled())
			.upgradeSchema(jdbcProperties.isUpgradeSchema())
			.schedules(declaredSchedules)
			.daemons(daemonRegistry);
		apply("taskqueue.worker.poll-interval", worker.getPollInterval(), builder::pollInterval);
		apply("taskqueue.worker.shutdown-timeout", worker.getShutdownTimeout(), builder::shutdownTimeout);
		apply("taskqueue.jdbc.wait-for-schema", jdbcProperties.getWaitForSchema(), builder::waitForSchema);
		apply("taskqueue.worker.concurrency", worker.getConcurrency(), builder::concurrency);
		apply("taskqueue.worker.batch-size", worker.getBatchSize(), builder::batchSize);
		apply("taskqueue.worker.claim-ahead", worker.getClaimAhead(), builder::claimAhead);
		TaskQueueProperties.Daemons daemons = worker.getDaemons();
		apply("taskqueue.worker.daemons.lease", daemons.getLease(), builder::daemonLease);
		apply("taskqueue.worker.daemons.poll-interval", daemons.getPollInterval(), builder::daemonPollInterval);
		// Each delay checked on its own, so that the error names the one at fault
		apply("taskqueue.worker.daemons.restart-delay", daemons.getRestartDelay(),
				(min) -> builder.daemonRestartDelay(min, min));
		apply("taskqueue.worker.daemons.max-restart-delay", daemons.getMaxRestartDelay(),
				(max) -> builder.daemonRestartDelay(daemons.getRestartDelay(), max));
		if (worker.getId() != null) {
			apply("taskqueue.worker.id", worker.getId(), builder::workerId);
		}
		apply("taskqueue.worker.progress-interval", worker.getProgressInterval(), builder::progressInterval);
		apply("taskqueue.worker.node-heartbeat-interval", worker.getNodeHeartbeatInterval(),
				builder::nodeHeartbeatInterval);
		apply("taskqueue.worker.node-expiry", worker.getNodeExpiry(), (expiry) -> {
			builder.nodeExpiry(expiry);
			Assert.isTrue(expiry.compareTo(worker.getNodeHeartbeatInterval()) > 0,
					() -> "must be longer than taskqueue.worker.node-heartbeat-interval (" + worker.getNodeHeartbeatInterval()
							+ ")");
		});
		apply("taskqueue.worker.max-tasks", worker.getMaxTasks(), builder::maxTasks);
		apply("taskqueue.worker.max-runtime", worker.getMaxRuntime(), builder::maxRuntime);
		apply("taskqueue.worker.memory-limit", worker.getMemoryLimit(), builder::memoryLimit);
		runLimitExit.ifAvailable(builder::runLimitListener);
		TaskQueueProperties.Retention retention = properties.getRetention();
		builder.retention(new RetentionPropertiesMapper(retention).asRetentionPolicy());
		apply("taskqueue.retention.batch-size", retention.getBatchSize(), builder::retentionBatchSize);
		apply("taskqueue.retention.interval", retention.getInterval(), builder::retentionInterval);
		apply("taskqueue.retention.time-budget", retention.getTimeBudget(), builder::retentionTimeBudget);
		apply("taskqueue.retention.pause", retention.getPause(), builder::retentionPause);
		apply("taskqueue.metrics.refresh-interval", properties.getMetrics().getRefreshInterval(),
				builder::taskCountsRefreshInterval);
		worker.getQueues().forEach((name, queue) -> {
			String property = (name.contains(".") ? "taskqueue.worker.queues[" + name + "]" : "taskqueue.worker.queues." + name)
					+ ".concurrency";
			apply(property, (queue.getConcurrency() != null) ? queue.getConcurrency() : worker.getConcurrency(),
					(concurrency) -> builder.queue(name, concurrency));
		});
		clock.ifUnique(builder::clock);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.worker.daemons.poll-interval",
					daemons.getPollInterval(), ex.getMessage());
		}
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
	PayloadMask taskQueuePayloadMask(TaskQueueProperties properties) {
		TaskQueueProperties.Dashboard dashboard = properties.getDashboard();
		return PayloadMask.of(dashboard.getPayloads(), dashboard.getMaskedFields());
	}

	@Bean
	@ConditionalOnMissingBean
	TaskQueue taskQueue(TaskQueueEngine engine) {
		return engine.queue();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskSchedules taskSchedules(TaskQueueEngine engine) {
		return engine.schedules();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskDaemons taskDaemons(TaskQueueEngine engine) {
		return engine.daemons();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnTaskQueueDatasourceInitializationCondition.class)
	TaskQueueDataSourceScriptDatabaseInitializer taskQueueDataSourceScriptDatabaseInitializer(DataSource dataSource,
			@TaskQueueDataSource ObjectProvider<DataSource> queueDataSource, TaskQueueJdbcProperties properties) {
		return new TaskQueueDataSourceScriptDatabaseInitializer(getDataSource(dataSource, queueDataSource), properties);
	}

	/**
	 * Ends the application once a node that runs tasks reached a run limit.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "taskqueue.worker.enabled", matchIfMissing = true)
	static class RunLimitConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TaskQueueApplicationExit taskQueueApplicationExit() {
			return (context, limit) -> System.exit(SpringApplication.exit(context));
		}

		@Bean
		RunLimitExitCodeGenerator taskQueueRunLimitExitCodeGenerator(ApplicationContext context,
				TaskQueueApplicationExit exit) {
			return new RunLimitExitCodeGenerator(context, exit);
		}

	}

	private static JsonMapper getJsonMapper(ObjectProvider<JsonMapper> jsonMapper) {
		return jsonMapper.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build());
	}

	private static DataSource getDataSource(DataSource dataSource, ObjectProvider<DataSource> queueDataSource) {
		return queueDataSource.getIfAvailable(() -> dataSource);
	}

}

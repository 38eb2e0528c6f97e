package dev.taskqueue.autoconfigure.jpa;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.boot.model.naming.PhysicalNamingStrategySnakeCaseImpl;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What an application on Spring Data JPA sees: a {@code @Transactional} service that saves
 * an entity and calls the queue commits or rolls back both together. Each database's
 * subclass supplies a DataSource.
 */
abstract class JpaTransactionContractTests {

	private final String tablePrefix = "TQ_J" + UUID.randomUUID().toString().substring(0, 8) + "_";

	protected abstract DataSource dataSource();

	protected abstract String platform();

	private ApplicationContextRunner contextRunner() {
		DataSource dataSource = dataSource();
		return new ApplicationContextRunner()
			.withPropertyValues("taskqueue.worker.enabled=false", "taskqueue.jdbc.initialize-schema=always",
					"taskqueue.jdbc.table-prefix=" + this.tablePrefix, "spring.jpa.hibernate.ddl-auto=create-drop")
			.withBean(DataSource.class, () -> dataSource, (definition) -> definition.setDestroyMethodName(""))
			.withBean(HibernatePropertiesCustomizer.class,
					() -> (properties) -> properties.put("hibernate.physical_naming_strategy",
							new PrefixedNamingStrategy(this.tablePrefix)))
			.withUserConfiguration(VisitsConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class,
					JacksonAutoConfiguration.class, TaskQueueAutoConfiguration.class));
	}

	@AfterEach
	void dropQueueTables() {
		TestDatabases.dropSchema(dataSource(), platform(), this.tablePrefix);
	}

	@Test
	void theApplicationsTransactionManagerIsJpas() {
		contextRunner().run((context) -> assertThat(context.getBean(PlatformTransactionManager.class))
			.isInstanceOf(JpaTransactionManager.class));
	}

	@Test
	void whenTheServiceRollsBackAfterEnqueueingThenNeitherTheVisitNorTheTaskExists() {
		contextRunner().run((context) -> {
			VisitService service = context.getBean(VisitService.class);
			assertThatExceptionOfType(Rollback.class).isThrownBy(() -> service.saveAndEnqueue("Ada", true));
			assertThat(context.getBean(VisitRepository.class).count()).isZero();
			assertThat(context.getBean(TaskQueue.class).find(service.lastTask())).isEmpty();
		});
	}

	@Test
	void whenTheServiceCommitsAfterEnqueueingThenTheVisitAndTheTaskExist() {
		contextRunner().run((context) -> {
			VisitService service = context.getBean(VisitService.class);
			service.saveAndEnqueue("Ada", false);
			assertThat(context.getBean(VisitRepository.class).findAll()).extracting(Visit::getName)
				.containsExactly("Ada");
			assertThat(context.getBean(TaskQueue.class).find(service.lastTask())).hasValueSatisfying(
					(state) -> assertThat(state.status()).isEqualTo(TaskStatus.READY));
		});
	}

	@Test
	void whenTheServiceRollsBackAfterStartingAJobThenNeitherTheVisitNorTheJobExists() {
		contextRunner().run((context) -> {
			VisitService service = context.getBean(VisitService.class);
			assertThatExceptionOfType(Rollback.class).isThrownBy(() -> service.saveAndStartJob("Ada"));
			assertThat(context.getBean(VisitRepository.class).count()).isZero();
			assertThat(context.getBean(TaskQueue.class).findJob(service.lastJob())).isEmpty();
		});
	}

	@Test
	void whenTheServiceRollsBackAfterCancellingThenTheTaskIsStillReady() {
		contextRunner().run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			UUID id = queue.enqueue(TaskRequest.builder("visit").payload("Ada").build()).id();
			VisitService service = context.getBean(VisitService.class);
			assertThatExceptionOfType(Rollback.class).isThrownBy(() -> service.saveAndCancel("Ada", id));
			assertThat(context.getBean(VisitRepository.class).count()).isZero();
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		});
	}

	@Test
	void whenTheServiceRollsBackAfterRetryingThenTheTaskIsStillCancelled() {
		contextRunner().run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			UUID id = queue.enqueue(TaskRequest.builder("visit").payload("Ada").build()).id();
			assertThat(queue.cancel(id)).isTrue();
			VisitService service = context.getBean(VisitService.class);
			assertThatExceptionOfType(Rollback.class).isThrownBy(() -> service.saveAndRetry("Ada", id));
			assertThat(context.getBean(VisitRepository.class).count()).isZero();
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	@EntityScan(basePackageClasses = Visit.class)
	@EnableJpaRepositories(basePackageClasses = VisitRepository.class, considerNestedRepositories = true)
	static class VisitsConfiguration {

		@Bean
		VisitService visitService(VisitRepository visits, TaskQueue queue) {
			return new VisitService(visits, queue);
		}

		@Bean
		VisitTasks visitTasks() {
			return new VisitTasks();
		}

	}

	static class VisitTasks {

		@Task("visit")
		public void remind(String name) {
		}

	}

	static class VisitService {

		private final VisitRepository visits;

		private final TaskQueue queue;

		private volatile UUID lastTask;

		private volatile UUID lastJob;

		VisitService(VisitRepository visits, TaskQueue queue) {
			this.visits = visits;
			this.queue = queue;
		}

		// Read through methods: the transactional proxy has fields of its own
		public UUID lastTask() {
			return this.lastTask;
		}

		public UUID lastJob() {
			return this.lastJob;
		}

		@Transactional
		public void saveAndEnqueue(String name, boolean rollback) {
			this.visits.saveAndFlush(new Visit(name));
			this.lastTask = this.queue.enqueue(TaskRequest.builder("visit").payload(name).build()).id();
			if (rollback) {
				throw new Rollback();
			}
		}

		@Transactional
		public void saveAndStartJob(String name) {
			this.visits.saveAndFlush(new Visit(name));
			JobRef job = this.queue.startJob(JobRequest.builder("visits of " + name)
				.tasks(TaskRequest.builder("visit").payload(name).build())
				.build());
			this.lastJob = job.id();
			throw new Rollback();
		}

		@Transactional
		public void saveAndCancel(String name, UUID id) {
			this.visits.saveAndFlush(new Visit(name));
			assertThat(this.queue.cancel(id)).isTrue();
			throw new Rollback();
		}

		@Transactional
		public void saveAndRetry(String name, UUID id) {
			this.visits.saveAndFlush(new Visit(name));
			assertThat(this.queue.retry(id)).isTrue();
			throw new Rollback();
		}

	}

	interface VisitRepository extends JpaRepository<Visit, Long> {

	}

	@Entity
	static class Visit {

		@Id
		@GeneratedValue(strategy = GenerationType.IDENTITY)
		private Long id;

		private String name;

		protected Visit() {
		}

		Visit(String name) {
			this.name = name;
		}

		String getName() {
			return this.name;
		}

	}

	/** Thrown by the service to roll its transaction back. */
	static class Rollback extends RuntimeException {

	}

	/**
	 * Gives the entity tables the test's prefix, so that runs sharing a database do not see
	 * each other's rows.
	 */
	static class PrefixedNamingStrategy extends PhysicalNamingStrategySnakeCaseImpl {

		private final String prefix;

		PrefixedNamingStrategy(String prefix) {
			this.prefix = prefix.toLowerCase(Locale.ROOT);
		}

		@Override
		public Identifier toPhysicalTableName(Identifier name, JdbcEnvironment environment) {
			Identifier table = super.toPhysicalTableName(name, environment);
			return Identifier.toIdentifier(this.prefix + table.getText(), table.isQuoted());
		}

	}

}

package dev.taskqueue.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.taskqueue.annotation.Daemon;
import dev.taskqueue.annotation.DaemonAnnotationBeanPostProcessor;
import dev.taskqueue.daemon.DaemonContext;
import dev.taskqueue.daemon.DaemonRegistry;
import dev.taskqueue.daemon.DaemonState;
import dev.taskqueue.daemon.DaemonStatus;
import dev.taskqueue.daemon.TaskDaemons;
import dev.taskqueue.engine.TaskQueueEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the daemons part of {@link TaskQueueAutoConfiguration}: {@link Daemon @Daemon}
 * methods, {@code taskqueue.daemons.*} and {@code taskqueue.worker.daemons.*}, and the
 * startup failures that bad declarations cause.
 */
class TaskQueueDaemonsAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** How messages name the classes nested in this one. */
	private static final String OUTER = "TaskQueueDaemonsAutoConfigurationTests.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.shutdown-timeout=5s",
				"taskqueue.worker.daemons.poll-interval=100ms")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class));

	@Test
	void whenThereIsADataSourceThenTheDaemonsApiIsAutoConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DaemonRegistry.class)
				.hasSingleBean(DaemonAnnotationBeanPostProcessor.class)
				.hasSingleBean(TaskDaemons.class);
			assertThat(context.getBean(TaskDaemons.class).list()).isEmpty();
		});
	}

	@Test
	void whenABeanHasADaemonMethodThenItRunsOnThisNodeAndIsListed() {
		this.contextRunner.withUserConfiguration(TickerConfiguration.class).run((context) -> {
			Ticker ticker = context.getBean(Ticker.class);
			await().atMost(WAIT).until(() -> !ticker.nodes.isEmpty());
			String node = context.getBean(TaskQueueEngine.class).workerId();
			assertThat(ticker.nodes).containsExactly(node);
			assertThat(daemon(context, "ticker").status()).isEqualTo(DaemonStatus.RUNNING);
			assertThat(daemon(context, "ticker").node()).isEqualTo(node);
		});
	}

	@Test
	void whenDaemonNamesUsePlaceholdersThenTheyAreResolved() {
		this.contextRunner.withUserConfiguration(PlaceholderConfiguration.class)
			.withPropertyValues("app.daemon-name=resolved", "app.auto-start=false")
			.run((context) -> assertThat(daemon(context, "resolved").status()).isEqualTo(DaemonStatus.STOPPED));
	}

	@Test
	void whenAutoStartIsOffInConfigurationThenTheDaemonWaitsForAStart() {
		this.contextRunner.withUserConfiguration(TickerConfiguration.class)
			.withPropertyValues("taskqueue.daemons.ticker.auto-start=false")
			.run((context) -> {
				Ticker ticker = context.getBean(Ticker.class);
				assertThat(daemon(context, "ticker").status()).isEqualTo(DaemonStatus.STOPPED);
				await().during(Duration.ofMillis(500)).until(ticker.nodes::isEmpty);
				context.getBean(TaskDaemons.class).start("ticker");
				await().atMost(WAIT).until(() -> !ticker.nodes.isEmpty());
			});
	}

	@Test
	void whenConfigurationTurnsAutoStartOnThenItOverridesTheAnnotation() {
		this.contextRunner.withUserConfiguration(ManualConfiguration.class)
			.withPropertyValues("taskqueue.daemons[manual.one].auto-start=true")
			.run((context) -> await().atMost(WAIT)
				.until(() -> daemon(context, "manual.one").status() == DaemonStatus.RUNNING));
	}

	@Test
	void whenTheAnnotationTurnsAutoStartOffThenTheDaemonIsStopped() {
		this.contextRunner.withUserConfiguration(ManualConfiguration.class)
			.run((context) -> assertThat(daemon(context, "manual.one").status()).isEqualTo(DaemonStatus.STOPPED));
	}

	@Test
	void whenAutoStartIsConfiguredForAnUndeclaredDaemonThenStartupFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(TickerConfiguration.class)
			.withPropertyValues("taskqueue.daemons.tikcer.auto-start=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("No daemon 'tikcer' is declared")
					.hasMessageContaining("taskqueue.daemons.tikcer.auto-start")
					.hasMessageContaining("[ticker]");
			});
	}

	@Test
	void whenTwoMethodsDeclareTheSameDaemonThenStartupFailsNamingBoth() {
		this.contextRunner.withUserConfiguration(TickerConfiguration.class, DuplicateConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Invalid daemon 'ticker'")
					.hasMessageContaining("@Daemon method '" + OUTER + "Ticker.tick'")
					.hasMessageContaining("@Daemon method '" + OUTER + "DuplicateTicker.tickToo'");
			});
	}

	@Test
	void whenADaemonMethodTakesNoContextThenStartupFailsNamingIt() {
		assertStartupFails(WrongSignatureConfiguration.class, "Invalid @Daemon method '" + OUTER
				+ "WrongSignature.run': it must take exactly one parameter, a DaemonContext");
	}

	@Test
	void whenADaemonNameIsEmptyThenStartupFailsNamingTheMethod() {
		assertStartupFails(NamelessConfiguration.class,
				"Invalid @Daemon method '" + OUTER + "Nameless.run': the daemon name must not be empty");
	}

	@Test
	void whenADaemonMethodIsNotPublicThenStartupFailsNamingIt() {
		assertStartupFails(HiddenConfiguration.class, "Invalid @Daemon method '" + OUTER + "Hidden.run': it must be public");
	}

	@Test
	void whenAutoStartIsNeitherTrueNorFalseThenStartupFailsNamingTheMethod() {
		assertStartupFails(BadAutoStartConfiguration.class,
				"Invalid @Daemon method '" + OUTER + "BadAutoStart.run': autoStart 'yes' is neither true nor false");
	}

	@Test
	void whenTheDaemonPollIntervalExceedsAThirdOfTheLeaseThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.worker.daemons.lease=3s",
				"taskqueue.worker.daemons.poll-interval=2s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("taskqueue.worker.daemons.poll-interval");
			});
	}

	@Test
	void whenTheLongestRestartDelayIsShorterThanTheFirstThenStartupFailsNamingIt() {
		this.contextRunner.withPropertyValues("taskqueue.worker.daemons.restart-delay=10s",
				"taskqueue.worker.daemons.max-restart-delay=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("taskqueue.worker.daemons.max-restart-delay");
			});
	}

	private void assertStartupFails(Class<?> configuration, String message) {
		this.contextRunner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessage(message);
		});
	}

	private static DaemonState daemon(AssertableApplicationContext context, String name) {
		return context.getBean(TaskDaemons.class).find(name).orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class TickerConfiguration {

		@Bean
		Ticker ticker() {
			return new Ticker();
		}

	}

	static class Ticker {

		final List<String> nodes = new CopyOnWriteArrayList<>();

		@Daemon("ticker")
		public void tick(DaemonContext context) {
			this.nodes.add(context.nodeId());
			while (!context.awaitStop(Duration.ofMillis(50))) {
				context.heartbeat();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(TickerConfiguration.class)
	static class DuplicateConfiguration {

		@Bean
		DuplicateTicker duplicateTicker() {
			return new DuplicateTicker();
		}

	}

	static class DuplicateTicker {

		@Daemon("ticker")
		public void tickToo(DaemonContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManualConfiguration {

		@Bean
		Manual manual() {
			return new Manual();
		}

	}

	static class Manual {

		@Daemon(name = "manual.one", autoStart = "false")
		public void run(DaemonContext context) {
			context.awaitStop(Duration.ofMinutes(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderConfiguration {

		@Bean
		Placeholder placeholder() {
			return new Placeholder();
		}

	}

	static class Placeholder {

		@Daemon(name = "${app.daemon-name}", autoStart = "${app.auto-start}")
		public void run(DaemonContext context) {
			context.awaitStop(Duration.ofMinutes(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongSignatureConfiguration {

		@Bean
		WrongSignature wrongSignature() {
			return new WrongSignature();
		}

	}

	static class WrongSignature {

		@Daemon("wrong")
		public void run() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NamelessConfiguration {

		@Bean
		Nameless nameless() {
			return new Nameless();
		}

	}

	static class Nameless {

		@Daemon
		public void run(DaemonContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HiddenConfiguration {

		@Bean
		Hidden hidden() {
			return new Hidden();
		}

	}

	static class Hidden {

		@Daemon("hidden")
		void run(DaemonContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadAutoStartConfiguration {

		@Bean
		BadAutoStart badAutoStart() {
			return new BadAutoStart();
		}

	}

	static class BadAutoStart {

		@Daemon(name = "bad", autoStart = "yes")
		public void run(DaemonContext context) {
		}

	}

}

package dev.taskqueue.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import dev.taskqueue.TaskQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NoTaskQueueDataSourceFailureAnalyzer}.
 */
class NoTaskQueueDataSourceFailureAnalyzerTests {

	private final AtomicReference<ConfigurableApplicationContext> failed = new AtomicReference<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(this.failed::set)
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class))
		.withUserConfiguration(OrderServiceConfiguration.class);

	@Test
	void whenThereIsNoDataSourceThenTheAnalysisSaysTaskQueueNeedsOneAndHowToProvideIt() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(EmbeddedDatabaseType.class)).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'dev.taskqueue.TaskQueue'")
				.contains("there is no DataSource");
			assertThat(analysis.getAction()).contains("JDBC driver")
				.contains("'spring.datasource.url'")
				.contains("embedded database");
		});
	}

	@Test
	void whenTaskQueueIsDisabledThenTheAnalyzerLeavesTheFailureToOthers() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(EmbeddedDatabaseType.class))
			.withPropertyValues("taskqueue.enabled=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context)).isNull();
			});
	}

	@Test
	void theAnalyzerIsRegisteredForBoot() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(EmbeddedDatabaseType.class)).run((context) -> {
			ConfigurableApplicationContext failed = this.failed.get();
			List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
				.load(FailureAnalyzer.class,
						ArgumentResolver.of(BeanFactory.class, failed.getBeanFactory())
							.and(Environment.class, failed.getEnvironment()),
						FailureHandler.handleMessage((message, ex) -> {
							// analyzers of modules not on this classpath
						}));
			assertThat(analyzers).hasAtLeastOneElementOfType(NoTaskQueueDataSourceFailureAnalyzer.class);
		});
	}

	private @Nullable FailureAnalysis analyze(AssertableApplicationContext context) {
		ConfigurableApplicationContext failed = this.failed.get();
		return new NoTaskQueueDataSourceFailureAnalyzer(failed.getBeanFactory(), failed.getEnvironment())
			.analyze(context.getStartupFailure());
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderServiceConfiguration {

		@Bean
		OrderService orderService(TaskQueue queue) {
			return new OrderService(queue);
		}

	}

	record OrderService(TaskQueue queue) {
	}

}

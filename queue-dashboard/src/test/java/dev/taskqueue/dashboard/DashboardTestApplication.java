package dev.taskqueue.dashboard;

import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import dev.taskqueue.annotation.Task;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.testsupport.TestDatabases;

/**
 * What the dashboard's tests run: a servlet web application on H2 with TaskQueue, Spring MVC,
 * and, unless filtered out, Spring Security with a viewer and an operator.
 */
final class DashboardTestApplication {

	static final String PASSWORD = "secret";

	private DashboardTestApplication() {
	}

	static WebApplicationContextRunner contextRunner(DataSource dataSource, String tablePrefix) {
		return new WebApplicationContextRunner()
			.withPropertyValues("taskqueue.metrics.refresh-interval=0s", "taskqueue.jdbc.initialize-schema=always",
					"taskqueue.jdbc.table-prefix=" + tablePrefix, "taskqueue.worker.poll-interval=100ms")
			.withBean("dataSource", DataSource.class, () -> dataSource,
					(definition) -> definition.setDestroyMethodName(""))
			.withUserConfiguration(Tasks.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
					HttpMessageConvertersAutoConfiguration.class, WebMvcAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
					TaskQueueAutoConfiguration.class, TaskQueueDashboardAutoConfiguration.class));
	}

	static String tablePrefix() {
		return TestDatabases.uniqueTablePrefix();
	}

	@Configuration(proxyBeanMethods = false)
	static class Tasks {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("vera").password("{noop}" + PASSWORD).roles("TASKQUEUE_VIEWER").build(),
					User.withUsername("otto").password("{noop}" + PASSWORD).roles("TASKQUEUE_OPERATOR").build(),
					User.withUsername("nobody").password("{noop}" + PASSWORD).roles("OTHER").build());
		}

	}

	static class Handlers {

		@Task("echo")
		public String echo(String text) {
			return text;
		}

		@Task(value = "boom", retries = "0")
		public String boom(String text) {
			throw new IllegalStateException("Boom: " + text);
		}

		@Task("login")
		public String login(Map<String, Object> credentials) {
			return "signed in";
		}

	}

}

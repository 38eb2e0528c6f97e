package dev.taskqueue.dashboard;

import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * When the dashboard is served, and how it is guarded.
 */
class TaskQueueDashboardAutoConfigurationTests {

	private final DataSource dataSource = TestDatabases.h2();

	private final String tablePrefix = DashboardTestApplication.tablePrefix();

	@AfterEach
	void dropSchema() {
		TestDatabases.dropSchema(this.dataSource, "h2", this.tablePrefix);
	}

	@Test
	void withSpringSecurityTheDashboardIsServedBehindItsOwnFilterChain() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix).run((context) -> {
			assertThat(context).hasSingleBean(DashboardApiController.class)
				.hasSingleBean(DashboardActionController.class)
				.hasBean("taskQueueDashboardSecurityFilterChain");
			assertThat(context.getBean(DashboardUsers.class)).isNotNull();
		});
	}

	@Test
	void theApplicationKeepsSpringBootsDefaultSecurityForItsOtherPaths() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix).run((context) -> {
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).hasSize(2);
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
			mvc.perform(get("/elsewhere")).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void whenTheApplicationDefinesItsOwnFilterChainTheDashboardsStillGuardsItsPaths() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withUserConfiguration(PermitAllSecurity.class)
			.run((context) -> {
				assertThat(context.getBeansOfType(SecurityFilterChain.class)).hasSize(2);
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
				mvc.perform(get("/taskqueue/api/me")).andExpect(status().isUnauthorized());
			});
	}

	@Test
	void withoutSpringSecurityTheDashboardIsOff() {
		unsecured().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DashboardApiController.class)
				.doesNotHaveBean(DashboardActionController.class)
				.doesNotHaveBean(DashboardPageController.class);
		});
	}

	@Test
	void withoutSpringSecurityTheDashboardIsServedToEveryoneAsOperatorWhenAllowed() {
		unsecured().withPropertyValues("taskqueue.dashboard.allow-unsecured=true").run((context) -> {
			assertThat(context).hasSingleBean(DashboardApiController.class);
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(get("/taskqueue/api/me"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.user").value("anonymous"))
				.andExpect(jsonPath("$.operator").value(true));
			mvc.perform(post("/taskqueue/api/jobs/" + UUID.randomUUID() + "/cancel"))
				.andExpect(status().isNotFound());
		});
	}

	@Test
	void whenDisabledTheDashboardIsOff() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withPropertyValues("taskqueue.dashboard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardApiController.class)
				.doesNotHaveBean("taskQueueDashboardSecurityFilterChain"));
	}

	@Test
	void whenTaskQueueIsDisabledTheDashboardIsOff() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withPropertyValues("taskqueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardApiController.class));
	}

	@Test
	void outsideAWebApplicationTheDashboardIsOffButPayloadsAreStillMasked() {
		new ApplicationContextRunner()
			.withPropertyValues("taskqueue.jdbc.initialize-schema=always",
					"taskqueue.jdbc.table-prefix=" + this.tablePrefix, "taskqueue.worker.enabled=false",
					"taskqueue.dashboard.payloads=show")
			.withBean("dataSource", DataSource.class, () -> this.dataSource,
					(definition) -> definition.setDestroyMethodName(""))
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					TaskQueueAutoConfiguration.class, TaskQueueDashboardAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DashboardApiController.class);
				assertThat(context.getBean(PayloadMask.class).visibility()).isEqualTo(PayloadMask.Visibility.SHOW);
			});
	}

	@Test
	void anInvalidPathFailsStartupNamingTheProperty() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withPropertyValues("taskqueue.dashboard.path=/taskqueue/")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("taskqueue.dashboard.path")
					.hasMessageContaining("/taskqueue/");
			});
	}

	@Test
	void theRolesAreConfigurable() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withPropertyValues("taskqueue.dashboard.viewer-role=TASKQUEUE_OPERATOR",
					"taskqueue.dashboard.operator-role=OPS")
			.run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
				mvc.perform(get("/taskqueue/api/me").with(httpBasic("otto", DashboardTestApplication.PASSWORD)))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.operator").value(false));
				mvc.perform(get("/taskqueue/api/me").with(httpBasic("vera", DashboardTestApplication.PASSWORD)))
					.andExpect(status().isForbidden());
			});
	}

	private WebApplicationContextRunner unsecured() {
		return DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withClassLoader(new FilteredClassLoader(HttpSecurity.class, SecurityFilterChain.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class PermitAllSecurity {

		@Bean
		SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

}

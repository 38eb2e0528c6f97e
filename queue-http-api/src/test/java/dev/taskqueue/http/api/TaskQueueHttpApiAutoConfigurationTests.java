package dev.taskqueue.http.api;

import java.time.Duration;

import javax.sql.DataSource;

import jakarta.servlet.Filter;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.DefaultMockMvcBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Tests for {@link TaskQueueHttpApiAutoConfiguration}.
 */
class TaskQueueHttpApiAutoConfigurationTests {

	private static final String GREETING = "{\"type\": \"greet\", \"payload\": {\"name\": \"Ada\"}, \"delay\": \"1h\"}";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.enabled=false")
		.withBean(HttpApiTestApplication.GreetingTasks.class)
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, TaskQueueHttpApiAutoConfiguration.class));

	private final WebApplicationContextRunner withoutSecurity = this.contextRunner
		.withClassLoader(new FilteredClassLoader("org.springframework.security"));

	@Test
	void propertiesDefaultToAnApiThatIsOffAndNeedsTheClientRole() {
		TaskQueueProperties.HttpApi api = new TaskQueueProperties().getHttpApi();
		assertThat(api.isEnabled()).isFalse();
		assertThat(api.getPath()).isEqualTo("/taskqueue-api/v1");
		assertThat(api.getRole()).isEqualTo("TASKQUEUE_CLIENT");
		assertThat(api.isAllowUnauthenticated()).isFalse();
		assertThat(api.getMaxWait()).isEqualTo(Duration.ofSeconds(60));
		assertThat(api.getAllowedTypes()).isEmpty();
		assertThat(api.getAllowedQueues()).isEmpty();
	}

	@Test
	void whenTheApiIsNotEnabledThenItIsNotServed() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(TaskQueueHttpApiController.class)
			.doesNotHaveBean(TaskQueueHttpApiAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN_NAME));
	}

	@Test
	void whenTheApiIsEnabledThenItHasItsOwnFilterChainBesideSpringBootsDefaultOne() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(TaskQueueHttpApiController.class)
				.hasBean(TaskQueueHttpApiAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN_NAME);
			// The rest of the application keeps the protection it had
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).hasSize(2);
		});
	}

	@Test
	void whenTheApplicationDefinesTheApisFilterChainThenTheAutoConfiguredOneBacksOff() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true")
			.withUserConfiguration(UserFilterChainConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(TaskQueueHttpApiAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN_NAME))
					.isSameAs(context.getBean(UserFilterChainConfiguration.class).chain);
				// That chain lets anyone through, the API still needs an authenticated caller
				assertThat(mvc(context, true).perform(enqueue("/taskqueue-api/v1")).andReturn().getResponse().getStatus())
					.isEqualTo(403);
				assertThat(rows(context)).isZero();
			});
	}

	@Test
	void theApplicationsHttpSecurityCustomizersApplyToTheApisFilterChain() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true")
			.withUserConfiguration(HttpApiTestApplication.Users.class, HttpSecurityCustomizerConfiguration.class)
			.run((context) -> {
				MockHttpServletRequestBuilder request = enqueue("/taskqueue-api/v1").header(HttpHeaders.AUTHORIZATION,
						TaskQueueHttpApiTests.basic(HttpApiTestApplication.CLIENT, HttpApiTestApplication.PASSWORD));
				MvcResult result = mvc(context, true).perform(request).andReturn();
				assertThat(result.getResponse().getStatus()).isEqualTo(201);
				assertThat(result.getResponse().getHeader("X-Customized")).isEqualTo("yes");
			});
	}

	@Test
	void whenSpringSecurityIsAbsentThenCallsAreRefusedAndWriteNothing() {
		this.withoutSecurity.withPropertyValues("taskqueue.http-api.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(TaskQueueHttpApiController.class)
				.doesNotHaveBean(TaskQueueHttpApiAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN_NAME);
			MvcResult refused = mvc(context, false).perform(enqueue("/taskqueue-api/v1")).andReturn();
			assertThat(refused.getResponse().getStatus()).isEqualTo(403);
			assertThat(refused.getResponse().getContentAsString())
				.contains("taskqueue.http-api.allow-unauthenticated=true");
			assertThat(rows(context)).isZero();
		});
	}

	@Test
	void whenSpringSecurityIsAbsentAndUnauthenticatedCallsAreAllowedThenTheyAreServed() {
		this.withoutSecurity
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.allow-unauthenticated=true")
			.run((context) -> {
				assertThat(mvc(context, false).perform(enqueue("/taskqueue-api/v1")).andReturn().getResponse().getStatus())
					.isEqualTo(201);
				assertThat(rows(context)).isOne();
			});
	}

	@Test
	void withSpringSecurityUnauthenticatedCallsAreServedOnlyWhenAllowed() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true").run((context) -> {
			assertThat(mvc(context, true).perform(enqueue("/taskqueue-api/v1")).andReturn().getResponse().getStatus())
				.isEqualTo(401);
		});
		this.contextRunner
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.allow-unauthenticated=true")
			.run((context) -> {
				assertThat(mvc(context, true).perform(enqueue("/taskqueue-api/v1")).andReturn().getResponse().getStatus())
					.isEqualTo(201);
				// Only the API's path: the rest of the application keeps its CSRF protection
				assertThat(mvc(context, true).perform(post("/elsewhere")).andReturn().getResponse().getStatus())
					.isEqualTo(403);
			});
	}

	@Test
	void withAnEmptyRoleAnyAuthenticatedCallerIsServed() {
		this.contextRunner.withUserConfiguration(HttpApiTestApplication.Users.class)
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.role=")
			.run((context) -> {
				MockHttpServletRequestBuilder request = enqueue("/taskqueue-api/v1").header(HttpHeaders.AUTHORIZATION,
						TaskQueueHttpApiTests.basic(HttpApiTestApplication.OTHER, HttpApiTestApplication.PASSWORD));
				assertThat(mvc(context, true).perform(request).andReturn().getResponse().getStatus()).isEqualTo(201);
			});
	}

	@Test
	void whenThePathIsSetThenTheApiIsServedThereOnly() {
		this.withoutSecurity
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.allow-unauthenticated=true",
					"taskqueue.http-api.path=/api/queue")
			.run((context) -> {
				MockMvc mvc = mvc(context, false);
				assertThat(mvc.perform(enqueue("/api/queue")).andReturn().getResponse().getStatus()).isEqualTo(201);
				assertThat(mvc.perform(enqueue("/taskqueue-api/v1")).andReturn().getResponse().getStatus())
					.isEqualTo(404);
			});
	}

	@Test
	void aPathThatIsNotPlainFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.path=/api/*")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("taskqueue.http-api.path"));
	}

	@Test
	void aPathThatOverlapsTheDashboardsFailsStartupNamingBothProperties() {
		for (String[] paths : new String[][] { { "/taskqueue", "/taskqueue" }, { "/taskqueue/api", "/taskqueue" },
				{ "/ops", "/ops/dashboard/" }, { "/api", "/" } }) {
			this.contextRunner
				.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.path=" + paths[0],
						"taskqueue.dashboard.path=" + paths[1])
				.run((context) -> assertThat(context).getFailure()
					.as(paths[0] + " and " + paths[1])
					.hasMessageContaining("taskqueue.http-api.path")
					.hasMessageContaining("taskqueue.dashboard.path"));
		}
	}

	@Test
	void aPathThatOnlySharesItsStartWithTheDashboardsOrADisabledDashboardsIsServed() {
		this.contextRunner
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.path=/taskqueue-api",
					"taskqueue.dashboard.path=/taskqueue")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TaskQueueHttpApiController.class));
		this.contextRunner
			.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.path=/taskqueue/api",
					"taskqueue.dashboard.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TaskQueueHttpApiController.class));
	}

	@Test
	void aRoleWithItsPrefixFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.role=ROLE_CLIENT")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("taskqueue.http-api.role"));
	}

	@Test
	void aNegativeLongestWaitFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.http-api.max-wait=-1s")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("taskqueue.http-api.max-wait"));
	}

	@Test
	void whenTheQueueIsDisabledThenTheApiIsNotServed() {
		this.contextRunner.withPropertyValues("taskqueue.http-api.enabled=true", "taskqueue.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueueHttpApiController.class));
	}

	@Test
	void whenTheApplicationIsNotAWebApplicationThenTheApiIsNotServed() {
		new ApplicationContextRunner()
			.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.enabled=false",
					"taskqueue.http-api.enabled=true")
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TaskQueueAutoConfiguration.class,
					TaskQueueHttpApiAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskQueueHttpApiController.class));
	}

	private static MockHttpServletRequestBuilder enqueue(String path) {
		return post(path + "/tasks").contentType(MediaType.APPLICATION_JSON).content(GREETING);
	}

	private static MockMvc mvc(AssertableWebApplicationContext context, boolean security) {
		DefaultMockMvcBuilder builder = MockMvcBuilders.webAppContextSetup(context);
		if (security) {
			builder.addFilters(context.getBean("springSecurityFilterChain", Filter.class));
		}
		return builder.build();
	}

	private static long rows(AssertableWebApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT COUNT(*) FROM TQ_TASK", Long.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class HttpSecurityCustomizerConfiguration {

		@Bean
		Customizer<HttpSecurity> headerCustomizer() {
			return (http) -> http
				.headers((headers) -> headers.addHeaderWriter(new StaticHeadersWriter("X-Customized", "yes")));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterChainConfiguration {

		private SecurityFilterChain chain;

		@Bean(TaskQueueHttpApiAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN_NAME)
		SecurityFilterChain taskQueueHttpApiSecurityFilterChain(HttpSecurity http) throws Exception {
			this.chain = http.securityMatcher("/taskqueue/**").csrf((csrf) -> csrf.disable()).build();
			return this.chain;
		}

	}

}

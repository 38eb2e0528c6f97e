package dev.taskqueue.dashboard;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueProperties;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the TaskQueue dashboard: its page and
 * JSON API under {@code taskqueue.dashboard.path}, in a servlet web application with Spring
 * MVC. With Spring Security, {@link DashboardSecurityConfiguration} guards it with roles; without,
 * it is served only if {@code taskqueue.dashboard.allow-unsecured} is set. Payloads and results
 * are shown through the application's {@link PayloadMask}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TaskQueueAutoConfiguration.class, afterName = {
				"org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration" })
@ConditionalOnBean(TaskQueueEngine.class)
@ConditionalOnBooleanProperty(name = "taskqueue.dashboard.enabled", matchIfMissing = true)
public final class TaskQueueDashboardAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@Conditional(OnDashboardAllowedCondition.class)
	@Import(DashboardSecurityConfiguration.class)
	static class DashboardWebConfiguration {

		@Bean
		DashboardActions taskQueueDashboardActions(TaskQueueEngine engine, TaskQueueProperties properties) {
			return new DashboardActions(engine, properties.getDashboard().getBulkLimit());
		}

		@Bean
		DashboardApiController taskQueueDashboardApiController(TaskQueueEngine engine, TaskTypeRegistry registry,
				DashboardUsers users, PayloadMask mask, TaskQueueProperties properties) {
			return new DashboardApiController(engine, registry, users, mask, properties.getDashboard().getPollInterval());
		}

		@Bean
		DashboardActionController taskQueueDashboardActionController(DashboardActions actions,
				DashboardUsers users) {
			return new DashboardActionController(actions, users);
		}

		@Bean
		DashboardPageController taskQueueDashboardPageController(TaskQueueProperties properties) {
			return new DashboardPageController(checkedPath(properties.getDashboard()));
		}

		@Bean
		DashboardExceptionHandler taskQueueDashboardExceptionHandler() {
			return new DashboardExceptionHandler();
		}

		@Bean
		WebMvcConfigurer taskQueueDashboardResources(TaskQueueProperties properties) {
			String path = checkedPath(properties.getDashboard());
			return new WebMvcConfigurer() {

				@Override
				public void addResourceHandlers(ResourceHandlerRegistry registry) {
					registry.addResourceHandler(path + "/assets/**")
						.addResourceLocations("classpath:/" + DashboardPageController.LOCATION + "assets/");
				}

			};
		}

		@Bean
		@ConditionalOnMissingBean(type = OnDashboardAllowedCondition.HTTP_SECURITY)
		DashboardUsers taskQueueDashboardUsers() {
			return DashboardUsers.unsecured();
		}

	}

	static String checkedPath(TaskQueueProperties.Dashboard properties) {
		String path = properties.getPath();
		if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.dashboard.path", path,
					"must start with '/' and not end with one, such as '/taskqueue'");
		}
		return path;
	}

}

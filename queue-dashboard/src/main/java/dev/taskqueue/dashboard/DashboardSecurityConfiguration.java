package dev.taskqueue.dashboard;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import dev.taskqueue.autoconfigure.TaskQueueProperties;

/**
 * Guards the dashboard with Spring Security: a filter chain of its own for the dashboard's
 * paths, ahead of the application's, in which viewers read and only operators act. Users sign
 * in with HTTP Basic or the application's login form; the page sends back the CSRF token it
 * reads from the {@code XSRF-TOKEN} cookie.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ HttpSecurity.class, SecurityFilterChain.class })
@ConditionalOnBean(HttpSecurity.class)
class DashboardSecurityConfiguration {

	/** Ahead of the application's chains, which usually match every path. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	@Bean
	@Order(ORDER)
	SecurityFilterChain taskQueueDashboardSecurityFilterChain(HttpSecurity http,
			TaskQueueProperties properties) throws Exception {
		String path = TaskQueueDashboardAutoConfiguration.checkedPath(properties.getDashboard());
		String viewer = properties.getDashboard().getViewerRole();
		String operator = properties.getDashboard().getOperatorRole();
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		http.securityMatcher(path, path + "/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET)
				.hasAnyRole(viewer, operator)
				.anyRequest()
				.hasRole(operator))
			.httpBasic(Customizer.withDefaults())
			.formLogin(Customizer.withDefaults())
			.csrf((csrf) -> csrf.spa())
			// The API answers 401 instead of sending its callers to the login form
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
					new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), paths.matcher(path + "/api/**")));
		return http.build();
	}

	@Bean
	DashboardUsers taskQueueDashboardUsers(TaskQueueProperties properties) {
		return DashboardUsers.secured(properties.getDashboard().getOperatorRole());
	}

}

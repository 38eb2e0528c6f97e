package dev.taskqueue.sample.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what in the sample. The dashboard (under {@code /taskqueue/}) guards itself with a
 * chain of its own: {@code viewer} reads it, {@code operator} may also retry and cancel. This
 * chain signs them in with a login form (or HTTP Basic), keeps the Actuator endpoints readable
 * by anyone and their write operations for operators, and leaves the sample's own demo API
 * open, as the curl commands in the README use it.
 * <p>
 * The users and their passwords are for the sample only: a real application takes its users
 * from its identity provider, and protects its own API.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final String VIEWER_ROLE = "TASKQUEUE_VIEWER";

	static final String OPERATOR_ROLE = "TASKQUEUE_OPERATOR";

	@Bean
	SecurityFilterChain sampleSecurityFilterChain(HttpSecurity http) throws Exception {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, "/actuator/**")
				.permitAll()
				.requestMatchers("/actuator/**")
				.hasRole(OPERATOR_ROLE)
				.anyRequest()
				.permitAll())
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults())
			// Called by scripts, not by pages of this application: only the login form needs the token
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/actuator/**", "/tasks/**", "/orders/**", "/jobs/**",
					"/schedules/**", "/daemons/**", "/webhooks/**"))
			.build();
	}

	@Bean
	InMemoryUserDetailsManager sampleUsers() {
		return new InMemoryUserDetailsManager(
				User.withUsername("viewer").password("{noop}viewer").roles(VIEWER_ROLE).build(),
				User.withUsername("operator").password("{noop}operator").roles(OPERATOR_ROLE).build());
	}

}

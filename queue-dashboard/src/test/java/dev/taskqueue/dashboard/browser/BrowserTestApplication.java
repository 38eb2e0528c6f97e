package dev.taskqueue.dashboard.browser;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.taskqueue.TaskContext;
import dev.taskqueue.annotation.Task;

/**
 * The application the browser tests drive: the dashboard behind Spring Security's form login,
 * with a read-only user and an operator, and a few task types whose outcome the tests steer.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class BrowserTestApplication {

	static final String VIEWER = "viewer";

	static final String OPERATOR = "operator";

	/** The application's own chain, which signs users in with Spring Security's login form. */
	@Bean
	SecurityFilterChain applicationSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.formLogin(Customizer.withDefaults())
			.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(VIEWER).password("{noop}" + VIEWER).roles("TASKQUEUE_VIEWER").build(),
				User.withUsername(OPERATOR).password("{noop}" + OPERATOR).roles("TASKQUEUE_OPERATOR").build());
	}

	@Bean
	BrowserTasks browserTasks() {
		return new BrowserTasks();
	}

	/**
	 * Handlers whose outcome the tests decide.
	 */
	static class BrowserTasks {

		/** Each permit lets one gated task finish. */
		static final Semaphore gate = new Semaphore(0);

		@Task("browser-echo")
		public String echo(String text) {
			return text;
		}

		/** Never due within a test: filled and cancelled by the bulk tests. */
		@Task("browser-parked")
		public void parked(String text) {
		}

		/** Fails its first attempt, with no retry left, and succeeds when retried. */
		@Task(value = "browser-flaky", retries = "0")
		public String flaky(String text, TaskContext context) {
			if (context.attempt() == 1) {
				throw new IllegalStateException("Simulated failure of attempt 1");
			}
			return "succeeded on attempt " + context.attempt();
		}

		@Task("browser-gated")
		public void gated(String text) throws InterruptedException {
			if (!gate.tryAcquire(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test never opened the gate");
			}
		}

	}

}

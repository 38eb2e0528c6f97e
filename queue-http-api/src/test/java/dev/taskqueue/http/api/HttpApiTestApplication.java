package dev.taskqueue.http.api;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import dev.taskqueue.NonRetryableException;
import dev.taskqueue.annotation.Task;

/**
 * An application with two task types and two users: {@code client}, who has the API's role, and
 * {@code other}, who has not; both with the password {@code secret}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(HttpApiTestApplication.Users.class)
class HttpApiTestApplication {

	static final String CLIENT = "client";

	static final String OTHER = "other";

	static final String PASSWORD = "secret";

	@Bean
	GreetingTasks greetingTasks() {
		return new GreetingTasks();
	}

	/**
	 * The users.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername(CLIENT).password("{noop}" + PASSWORD).roles("TASKQUEUE_CLIENT").build(),
					User.withUsername(OTHER).password("{noop}" + PASSWORD).roles("OTHER").build());
		}

	}

	/**
	 * The handlers.
	 */
	public static class GreetingTasks {

		/**
		 * The payload of a greeting.
		 */
		public record Greeting(String name, @Nullable Integer times) {

		}

		@Task("greet")
		public Map<String, String> greet(Greeting greeting) {
			return Map.of("greeting", "Hello, " + greeting.name() + "!".repeat((greeting.times() != null) ? greeting.times() : 1));
		}

		@Task(value = "fail", retries = "0")
		public void fail() {
			throw new NonRetryableException("Failed on purpose");
		}

	}

}

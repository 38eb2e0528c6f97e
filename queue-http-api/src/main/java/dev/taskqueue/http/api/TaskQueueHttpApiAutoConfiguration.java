package dev.taskqueue.http.api;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.StringUtils;
import org.springframework.web.method.HandlerTypePredicate;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueProperties;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.json.PayloadMask;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the TaskQueue HTTP API, in a servlet web
 * application that enables it with {@code taskqueue.http-api.enabled=true}. With Spring Security
 * on the classpath, a stateless filter chain of its own guards the API's path.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TaskQueueAutoConfiguration.class,
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "taskqueue.http-api.enabled")
@ConditionalOnBean(TaskQueue.class)
public final class TaskQueueHttpApiAutoConfiguration {

	/** The name of the API's security filter chain: a bean of that name replaces it. */
	public static final String SECURITY_FILTER_CHAIN_BEAN_NAME = "taskQueueHttpApiSecurityFilterChain";

	@Bean
	TaskQueueHttpApiController taskQueueHttpApiController(TaskQueue queue, TaskTypeRegistry registry,
			TaskQueueProperties properties, PayloadMask mask, ObjectProvider<JsonMapper> jsonMapper) {
		TaskQueueProperties.HttpApi api = properties.getHttpApi();
		if (api.getMaxWait().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.http-api.max-wait", api.getMaxWait(),
					"must not be negative");
		}
		// The mapper the queue writes payloads with, as TaskQueueAutoConfiguration picks it
		JsonMapper mapper = jsonMapper.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build());
		// Callers see their payloads with the masked fields masked, whatever the dashboard shows
		PayloadMask payloadMask = new PayloadMask(PayloadMask.Visibility.MASK, mask.maskedFields());
		return new TaskQueueHttpApiController(queue,
				new TaskRequestReader(api.getAllowedTypes(), api.getAllowedQueues()),
				new RequestResolver(registry, new PayloadCodec(mapper)), api.getMaxWait(), payloadMask, mapper,
				path(properties));
	}

	@Bean
	WebMvcConfigurer taskQueueHttpApiWebMvcConfigurer(TaskQueueProperties properties) {
		TaskQueueProperties.HttpApi api = properties.getHttpApi();
		return new WebMvcConfigurer() {

			@Override
			public void configurePathMatch(PathMatchConfigurer configurer) {
				configurer.addPathPrefix(path(properties),
						HandlerTypePredicate.forAssignableType(TaskQueueHttpApiController.class));
			}

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new HttpApiAccessInterceptor(api.isAllowUnauthenticated()));
			}

		};
	}

	static String path(TaskQueueProperties properties) {
		String path = properties.getHttpApi().getPath();
		if (!path.startsWith("/") || path.endsWith("/") || path.contains("*") || path.contains("{")) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.http-api.path", path,
					"must start with '/', not end with '/', and hold no pattern");
		}
		TaskQueueProperties.Dashboard dashboard = properties.getDashboard();
		String dashboardPath = StringUtils.trimTrailingCharacter(dashboard.getPath(), '/');
		// The dashboard's filter chain matches its path and all below it: it would take the API's calls
		if (dashboard.isEnabled() && (overlaps(path, dashboardPath) || overlaps(dashboardPath, path))) {
			throw new InvalidConfigurationPropertyValueException("taskqueue.http-api.path", path,
					"must not overlap taskqueue.dashboard.path '" + dashboard.getPath()
							+ "': set either to a path that is not the other nor below it, or disable the dashboard");
		}
		return path;
	}

	/** Whether a path is another, or below it. */
	private static boolean overlaps(String path, String other) {
		return path.equals(other) || path.startsWith(other + "/") || other.isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
	@ConditionalOnBean(HttpSecurity.class)
	static class HttpApiSecurityConfiguration {

		/**
		 * Matches only the API's path, before Spring Boot's default chain. Stateless, with
		 * HTTP Basic and whatever the application's {@code Customizer<HttpSecurity>} beans add
		 * (bearer tokens, for instance); CSRF protection is off because no session or cookie
		 * authenticates a call here.
		 */
		@Bean(SECURITY_FILTER_CHAIN_BEAN_NAME)
		@ConditionalOnMissingBean(name = SECURITY_FILTER_CHAIN_BEAN_NAME)
		@Order(Ordered.LOWEST_PRECEDENCE - 10)
		SecurityFilterChain taskQueueHttpApiSecurityFilterChain(HttpSecurity http, TaskQueueProperties properties)
				throws Exception {
			TaskQueueProperties.HttpApi api = properties.getHttpApi();
			if (api.getRole().startsWith("ROLE_")) {
				throw new InvalidConfigurationPropertyValueException("taskqueue.http-api.role", api.getRole(),
						"must be given without the 'ROLE_' prefix");
			}
			http.securityMatcher(path(properties) + "/**")
				.authorizeHttpRequests((requests) -> {
					if (api.isAllowUnauthenticated()) {
						requests.anyRequest().permitAll();
					}
					else if (api.getRole().isEmpty()) {
						requests.anyRequest().authenticated();
					}
					else {
						requests.anyRequest().hasRole(api.getRole());
					}
				})
				.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.csrf((csrf) -> csrf.disable())
				.httpBasic(Customizer.withDefaults());
			return http.build();
		}

	}

}

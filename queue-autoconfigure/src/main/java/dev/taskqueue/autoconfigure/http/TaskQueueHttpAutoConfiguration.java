package dev.taskqueue.autoconfigure.http;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.autoconfigure.TaskQueueProperties;
import dev.taskqueue.http.HttpTaskTypes;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of HTTP task types: registers a handler
 * for each type that sets {@code taskqueue.types.<type>.http.url}. Each type's client is
 * built from a plain {@link RestClient#builder()}, observed by the application's
 * {@link ObservationRegistry} when it has one, with the type's own JDK client and timeouts.
 * Not from the application's {@link RestClient.Builder}: its customizers may add the
 * credentials of the application's own services, which must not reach a webhook's target.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TaskQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ HttpTaskTypes.class, RestClient.class, JdkClientHttpRequestFactory.class })
@ConditionalOnBean(TaskTypeRegistry.class)
public final class TaskQueueHttpAutoConfiguration {

	// Not lazy: the handlers must be registered before the registry is initialized
	@Bean
	@Lazy(false)
	@ConditionalOnMissingBean
	HttpTaskTypes httpTaskTypes(TaskQueueProperties properties, TaskTypeRegistry registry,
			ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Clock> clock) {
		HttpTaskTypes types = new HttpTaskTypes(new HttpTaskTypesPropertiesMapper(properties).asDefinitions(),
				() -> {
					RestClient.Builder builder = RestClient.builder();
					observationRegistry.ifUnique(builder::observationRegistry);
					return builder;
				},
				clock.getIfUnique(Clock::systemUTC));
		types.registerWith(registry);
		return types;
	}

}

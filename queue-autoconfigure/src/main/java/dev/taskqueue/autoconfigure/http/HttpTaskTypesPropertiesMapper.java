package dev.taskqueue.autoconfigure.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.taskqueue.autoconfigure.TaskQueueProperties;
import dev.taskqueue.http.HttpTaskDefinition;
import dev.taskqueue.type.TaskTypeDefinition;

/**
 * Maps the {@code taskqueue.types.<type>.http.*} properties of the types that set
 * {@code http.url} to {@link HttpTaskDefinition HTTP task definitions}.
 *
 * @since 0.1.0
 */
public final class HttpTaskTypesPropertiesMapper {

	private final TaskQueueProperties properties;

	/**
	 * Create a mapper.
	 * @param properties the properties to map
	 */
	public HttpTaskTypesPropertiesMapper(TaskQueueProperties properties) {
		this.properties = properties;
	}

	/**
	 * Map the HTTP task types.
	 * @return the definitions, in configuration order
	 * @throws InvalidConfigurationPropertyValueException naming the property whose value is
	 * invalid
	 */
	public List<HttpTaskDefinition> asDefinitions() {
		List<HttpTaskDefinition> definitions = new ArrayList<>();
		this.properties.getTypes().forEach((name, type) -> {
			String url = type.getHttp().getUrl();
			if (url != null) {
				definitions.add(getDefinition(name, url, type.getHttp()));
			}
		});
		return definitions;
	}

	private static HttpTaskDefinition getDefinition(String name, String url, TaskQueueProperties.Http http) {
		HttpTaskDefinition.Builder builder;
		try {
			builder = HttpTaskDefinition.builder(name, url);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(name, "url", url, ex);
		}
		apply(name, "method", http.getMethod(), builder::method);
		apply(name, "headers", http.getHeaders(), builder::headers);
		apply(name, "sensitive-headers", http.getSensitiveHeaders(), builder::sensitiveHeaders);
		apply(name, "timeout", http.getTimeout(), builder::timeout);
		apply(name, "connect-timeout", http.getConnectTimeout(), builder::connectTimeout);
		apply(name, "success-statuses", http.getSuccessStatuses(), builder::successStatuses);
		apply(name, "max-response-body", http.getMaxResponseBody(),
				(size) -> builder.maxResponseBody(Math.toIntExact(size.toBytes())));
		apply(name, "response-headers", http.getResponseHeaders(), builder::responseHeaders);
		// The secrets' values are never shown, only their property
		apply(name, "secrets", "******", (ignored) -> builder.secrets(http.getSecrets()));
		apply(name, "timestamp-header", http.getTimestampHeader(), builder::timestampHeader);
		apply(name, "signature-header", http.getSignatureHeader(), builder::signatureHeader);
		apply(name, "idempotency-header", http.getIdempotencyHeader(), builder::idempotencyHeader);
		apply(name, "concurrency-limit", http.getConcurrencyLimit(), builder::concurrencyLimit);
		apply(name, "limit-per", http.getLimitPer(),
				(per) -> builder.limitPer(HttpTaskDefinition.LimitPer.valueOf(per.name())));
		apply(name, "postpone-delay", http.getPostponeDelay(), builder::postponeDelay);
		TaskQueueProperties.Http.CircuitBreaker breaker = http.getCircuitBreaker();
		if (breaker.isEnabled()) {
			// Each checked alone, so that the failure names the one at fault
			apply(name, "circuit-breaker.failure-threshold", breaker.getFailureThreshold(),
					(threshold) -> new HttpTaskDefinition.CircuitBreaker(threshold, Duration.ofSeconds(1)));
			apply(name, "circuit-breaker.cool-down", breaker.getCoolDown(), (coolDown) -> builder
				.circuitBreaker(new HttpTaskDefinition.CircuitBreaker(breaker.getFailureThreshold(), coolDown)));
		}
		return builder.build();
	}

	/** Passes a property to the builder; a value it refuses fails naming the property. */
	private static <T> void apply(String type, String option, T value, Consumer<T> setter) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException | ArithmeticException ex) {
			throw invalid(type, option, value, ex);
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String type, String option, Object value,
			RuntimeException ex) {
		return new InvalidConfigurationPropertyValueException(TaskTypeDefinition.property(type, "http." + option), value,
				ex.getMessage());
	}

}

package dev.taskqueue.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

import dev.taskqueue.JsonValue;
import dev.taskqueue.NonRetryableException;
import dev.taskqueue.RetryAfterException;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskPostponedException;

/**
 * Runs the tasks of one HTTP task type: sends the payload to the type's URL, and turns the
 * response into the task's result or into a failure its retry policy understands. Credential
 * header values and secrets are cut out of everything it reports.
 */
final class HttpTaskHandler implements TaskHandler<Object> {

	private static final Log logger = LogFactory.getLog(HttpTaskHandler.class);

	/** The most chars of a response body quoted in an error message. */
	private static final int MAX_BODY_IN_ERROR = 1000;

	private static final String REDACTED = "******";

	private final HttpTaskDefinition definition;

	private final RestClient client;

	private final Targets targets;

	private final Clock clock;

	/** Credential values to cut out of response bodies quoted in results and errors. */
	private final List<String> secrets;

	HttpTaskHandler(HttpTaskDefinition definition, RestClient client, Targets targets, Clock clock) {
		this.definition = definition;
		this.client = client;
		this.targets = targets;
		this.clock = clock;
		this.secrets = secrets(definition);
	}

	@Override
	public @Nullable Object handle(@Nullable Object ignored, TaskContext context) throws Exception {
		JsonValue payload = context.payload();
		UrlTemplate url = this.definition.url();
		URI uri = url.expand(context.type(), (payload != null && url.hasVariables()) ? payload.tree() : null);
		String target = Targets.key(this.definition, uri);
		int limit = this.definition.concurrencyLimit();
		if (limit > 0 && !this.targets.tryAcquire(target, limit)) {
			throw new TaskPostponedException(target + " has " + limit + " calls in flight",
					jittered(this.definition.postponeDelay()));
		}
		try {
			HttpTaskDefinition.CircuitBreaker breaker = this.definition.circuitBreaker();
			Duration wait = (breaker != null) ? this.targets.breakerWait(target, breaker) : null;
			if (wait != null) {
				throw new TaskPostponedException("the circuit breaker of " + target + " is open", jittered(wait));
			}
			Targets.Call ended = Targets.Call.FAILED;
			try {
				HttpTaskResult result = call(uri, payload, context);
				ended = Targets.Call.SUCCEEDED;
				return result;
			}
			catch (NonRetryableException ex) {
				// The target answered: the request is at fault, not the target
				ended = Targets.Call.ANSWERED;
				throw ex;
			}
			finally {
				if (breaker != null) {
					this.targets.called(target, breaker, ended);
				}
			}
		}
		finally {
			if (limit > 0) {
				this.targets.release(target);
			}
		}
	}

	private HttpTaskResult call(URI uri, @Nullable JsonValue payload, TaskContext context) {
		byte[] body = (payload != null) ? payload.json().getBytes(StandardCharsets.UTF_8) : new byte[0];
		String request = this.definition.method() + " " + describe(uri);
		long start = System.nanoTime();
		Response response;
		try {
			RestClient.RequestBodySpec spec = this.client.method(this.definition.method())
				.uri(uri)
				.headers((headers) -> headers(headers, context, body, payload != null));
			if (payload != null) {
				spec.body(body);
			}
			response = spec.exchange((req, res) -> read(res), true);
		}
		catch (RuntimeException ex) {
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			String reason = (cause.getMessage() != null)
					? redact(cause.getMessage().replace(uri.toString(), describe(uri))) : "";
			throw new HttpCallException("%s failed after %d ms: %s %s".formatted(request, millis,
					cause.getClass().getSimpleName(), reason).trim());
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		int status = response.result().status();
		if (logger.isDebugEnabled()) {
			logger.debug(request + " answered " + status + " in " + millis + " ms");
		}
		if (this.definition.isSuccess(status)) {
			return response.result();
		}
		String message = "HTTP %d from %s in %d ms%s".formatted(status, request, millis, quote(response.result()));
		if (status >= 500 || status == 408 || status == 429) {
			Duration retryAfter = retryAfter(response.retryAfter(), this.clock.instant());
			throw (retryAfter != null) ? new RetryAfterException(message, retryAfter) : new HttpCallException(message);
		}
		throw new NonRetryableException(message);
	}

	private void headers(HttpHeaders headers, TaskContext context, byte[] body, boolean hasBody) {
		this.definition.headers().forEach(headers::set);
		if (hasBody && !headers.containsHeader(HttpHeaders.CONTENT_TYPE)) {
			headers.setContentType(MediaType.APPLICATION_JSON);
		}
		headers.set(this.definition.idempotencyHeader(), context.taskId().toString());
		List<String> secrets = this.definition.secrets();
		if (!secrets.isEmpty()) {
			long timestamp = this.clock.instant().getEpochSecond();
			headers.set(this.definition.timestampHeader(), Long.toString(timestamp));
			headers.set(this.definition.signatureHeader(), WebhookSignature.sign(secrets, timestamp, body));
		}
	}

	/** Reads the status, the headers to keep, and the body up to the limit. */
	private Response read(ClientHttpResponse response) throws IOException {
		Map<String, String> kept = new LinkedHashMap<>();
		HttpHeaders headers = response.getHeaders();
		for (String name : this.definition.responseHeaders()) {
			List<String> values = headers.get(name);
			if (values != null && !this.definition.isSensitive(name)) {
				kept.put(name, String.join(", ", values));
			}
		}
		int max = this.definition.maxResponseBody();
		byte[] bytes;
		try (InputStream in = response.getBody()) {
			bytes = in.readNBytes(max + 1);
		}
		boolean truncated = bytes.length > max;
		MediaType contentType = headers.getContentType();
		Charset charset = (contentType != null && contentType.getCharset() != null) ? contentType.getCharset()
				: StandardCharsets.UTF_8;
		String body = (bytes.length > 0) ? redact(new String(bytes, 0, Math.min(bytes.length, max), charset)) : null;
		return new Response(new HttpTaskResult(response.getStatusCode().value(), kept, body, truncated),
				headers.getFirst(HttpHeaders.RETRY_AFTER));
	}

	private String quote(HttpTaskResult response) {
		String body = response.body();
		if (body == null || body.isEmpty()) {
			return "";
		}
		return ": " + ((body.length() > MAX_BODY_IN_ERROR) ? body.substring(0, MAX_BODY_IN_ERROR) + "\u2026" : body);
	}

	private String redact(String text) {
		String redacted = text;
		for (String secret : this.secrets) {
			redacted = redacted.replace(secret, REDACTED);
		}
		return redacted;
	}

	/**
	 * Return the wait a {@code Retry-After} value asks for: seconds, or an HTTP date.
	 * @return the wait, or {@code null} if there is none or it cannot be read
	 */
	static @Nullable Duration retryAfter(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			long seconds = Long.parseLong(trimmed);
			return (seconds >= 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			try {
				Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/** The URL without its query, which may hold keys, for messages. */
	static String describe(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority() + ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

	/** Shifts a wait by up to half of it, so that tasks put back together spread out. */
	private static Duration jittered(Duration delay) {
		return Duration.ofMillis(Math.round(delay.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble())));
	}

	/** Credential header values, and the credentials after their scheme, and the secrets. */
	private static List<String> secrets(HttpTaskDefinition definition) {
		List<String> secrets = new ArrayList<>(definition.secrets());
		definition.headers().forEach((name, value) -> {
			if (definition.isSensitive(name)) {
				secrets.add(value);
				int space = value.indexOf(' ');
				if (space > 0) {
					secrets.add(value.substring(space + 1).trim());
				}
			}
		});
		// Too short a value would cut ordinary text out of bodies
		secrets.removeIf((secret) -> secret.length() < 4);
		return List.copyOf(secrets);
	}

	/** A response as kept, and its {@code Retry-After}, which the classification reads. */
	private record Response(HttpTaskResult result, @Nullable String retryAfter) {
	}

}

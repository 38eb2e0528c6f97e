package dev.taskqueue.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * How a task type runs as an HTTP call: where to, how, what counts as success, and how calls
 * to its target are limited. Built with {@link #builder(String, String)}; every setter checks
 * its value and throws {@link IllegalArgumentException} saying what is wrong.
 *
 * @since 0.1.0
 */
public final class HttpTaskDefinition {

	/** Header names whose values are credentials whatever the configuration says. */
	static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie",
			"x-api-key");

	private final String type;

	private final UrlTemplate url;

	private final HttpMethod method;

	private final Map<String, String> headers;

	private final Duration connectTimeout;

	private final Duration timeout;

	private final StatusSet successStatuses;

	private final int maxResponseBody;

	private final List<String> responseHeaders;

	private final List<String> secrets;

	private final String timestampHeader;

	private final String signatureHeader;

	private final String idempotencyHeader;

	private final Set<String> sensitiveHeaders;

	private final int concurrencyLimit;

	private final LimitPer limitPer;

	private final Duration postponeDelay;

	private final @Nullable CircuitBreaker circuitBreaker;

	private HttpTaskDefinition(Builder builder) {
		this.type = builder.type;
		this.url = builder.url;
		this.method = builder.method;
		this.headers = Map.copyOf(builder.headers);
		this.connectTimeout = builder.connectTimeout;
		this.timeout = builder.timeout;
		this.successStatuses = builder.successStatuses;
		this.maxResponseBody = builder.maxResponseBody;
		this.responseHeaders = List.copyOf(builder.responseHeaders);
		this.secrets = List.copyOf(builder.secrets);
		this.timestampHeader = builder.timestampHeader;
		this.signatureHeader = builder.signatureHeader;
		this.idempotencyHeader = builder.idempotencyHeader;
		Set<String> sensitive = new TreeSet<>(CREDENTIAL_HEADERS);
		builder.sensitiveHeaders.forEach((name) -> sensitive.add(name.toLowerCase(Locale.ROOT)));
		this.sensitiveHeaders = Set.copyOf(sensitive);
		this.concurrencyLimit = builder.concurrencyLimit;
		this.limitPer = builder.limitPer;
		this.postponeDelay = builder.postponeDelay;
		this.circuitBreaker = builder.circuitBreaker;
	}

	/**
	 * Start a definition.
	 * @param type the task type
	 * @param url the URL, in which {@code {name}} takes the payload's field {@code name}
	 * (or {@code {a.b}} a nested one), URL-encoded
	 * @return a builder
	 * @throws IllegalArgumentException if the URL is not an absolute http or https URL
	 */
	public static Builder builder(String type, String url) {
		return new Builder(type, url);
	}

	/**
	 * Return the task type.
	 * @return the type name
	 */
	public String type() {
		return this.type;
	}

	UrlTemplate url() {
		return this.url;
	}

	HttpMethod method() {
		return this.method;
	}

	Map<String, String> headers() {
		return this.headers;
	}

	Duration connectTimeout() {
		return this.connectTimeout;
	}

	Duration timeout() {
		return this.timeout;
	}

	boolean isSuccess(int status) {
		return this.successStatuses.contains(status);
	}

	int maxResponseBody() {
		return this.maxResponseBody;
	}

	List<String> responseHeaders() {
		return this.responseHeaders;
	}

	List<String> secrets() {
		return this.secrets;
	}

	String timestampHeader() {
		return this.timestampHeader;
	}

	String signatureHeader() {
		return this.signatureHeader;
	}

	String idempotencyHeader() {
		return this.idempotencyHeader;
	}

	/** Whether a header's value is a credential, never to be shown. */
	boolean isSensitive(String name) {
		return this.sensitiveHeaders.contains(name.toLowerCase(Locale.ROOT));
	}

	int concurrencyLimit() {
		return this.concurrencyLimit;
	}

	LimitPer limitPer() {
		return this.limitPer;
	}

	Duration postponeDelay() {
		return this.postponeDelay;
	}

	@Nullable CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	@Override
	public String toString() {
		// Never the headers or secrets
		return "HTTP task type '" + this.type + "' (" + this.method + " " + this.url + ")";
	}

	/**
	 * What a concurrency limit and a circuit breaker apply to.
	 */
	public enum LimitPer {

		/** The calls of one task type, wherever they go. */
		TYPE,

		/** The calls to one host and port, of all types limited per host. */
		HOST

	}

	/**
	 * A circuit breaker's settings: it opens after {@code failureThreshold} failures in a row
	 * that would be retried, postpones the target's tasks without calling it for
	 * {@code coolDown}, then lets one call through, and closes when a call succeeds.
	 *
	 * @param failureThreshold the failures in a row that open it, at least 1
	 * @param coolDown how long it stays open, positive
	 */
	public record CircuitBreaker(int failureThreshold, Duration coolDown) {

		public CircuitBreaker {
			Assert.isTrue(failureThreshold >= 1, "must be at least 1");
			Assert.isTrue(coolDown != null && coolDown.compareTo(Duration.ZERO) > 0, "must be positive");
		}

	}

	/**
	 * Builds an {@link HttpTaskDefinition}.
	 */
	public static final class Builder {

		private final String type;

		private final UrlTemplate url;

		private HttpMethod method = HttpMethod.POST;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private Duration connectTimeout = Duration.ofSeconds(5);

		private Duration timeout = Duration.ofSeconds(30);

		private StatusSet successStatuses = StatusSet.parse(List.of("2xx"));

		private int maxResponseBody = 16 * 1024;

		private final List<String> responseHeaders = new ArrayList<>(List.of(HttpHeaders.CONTENT_TYPE));

		private final List<String> secrets = new ArrayList<>();

		private String timestampHeader = WebhookSignature.TIMESTAMP_HEADER;

		private String signatureHeader = WebhookSignature.SIGNATURE_HEADER;

		private String idempotencyHeader = "Idempotency-Key";

		private final List<String> sensitiveHeaders = new ArrayList<>();

		private int concurrencyLimit;

		private LimitPer limitPer = LimitPer.TYPE;

		private Duration postponeDelay = Duration.ofSeconds(1);

		private @Nullable CircuitBreaker circuitBreaker;

		private Builder(String type, String url) {
			Assert.hasText(type, "'type' must not be empty");
			this.type = type;
			this.url = UrlTemplate.parse(url);
		}

		/**
		 * Set the method; POST by default.
		 * @param method the method name, such as {@code PUT}
		 * @return this builder
		 */
		public Builder method(String method) {
			Assert.isTrue(StringUtils.hasText(method) && method.chars().allMatch(Character::isLetter),
					"must be an HTTP method name such as POST");
			this.method = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
			return this;
		}

		/**
		 * Add headers sent with every request.
		 * @param headers the headers by name
		 * @return this builder
		 */
		public Builder headers(Map<String, String> headers) {
			headers.forEach((name, value) -> {
				checkHeaderName(name);
				Assert.isTrue(value != null && value.chars().noneMatch((c) -> c == '\r' || c == '\n'),
						() -> "Header '" + name + "' must have a value on one line");
			});
			this.headers.putAll(headers);
			return this;
		}

		/**
		 * Set how long to wait for a connection; 5 seconds by default.
		 * @param connectTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive(connectTimeout);
			return this;
		}

		/**
		 * Set how long to wait for the whole response once connected; 30 seconds by default.
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = positive(timeout);
			return this;
		}

		/**
		 * Set the statuses that count as success, as codes ({@code 204}), classes
		 * ({@code 2xx}) or ranges ({@code 200-299}); {@code 2xx} by default.
		 * @param statuses the statuses, at least one
		 * @return this builder
		 */
		public Builder successStatuses(List<String> statuses) {
			this.successStatuses = StatusSet.parse(statuses);
			return this;
		}

		/**
		 * Set how many bytes of the response body to keep in the result and the error
		 * history; 16 KB by default.
		 * @param bytes the bytes, from 0
		 * @return this builder
		 */
		public Builder maxResponseBody(int bytes) {
			Assert.isTrue(bytes >= 0, "must not be negative");
			this.maxResponseBody = bytes;
			return this;
		}

		/**
		 * Set the response headers kept in the result; {@code Content-Type} by default.
		 * Credential and sensitive headers are never kept.
		 * @param names the header names
		 * @return this builder
		 */
		public Builder responseHeaders(List<String> names) {
			names.forEach(Builder::checkHeaderName);
			this.responseHeaders.clear();
			this.responseHeaders.addAll(names);
			return this;
		}

		/**
		 * Set the secrets that sign each request, none by default: each request carries one
		 * signature per secret, so that during a rotation receivers holding either accept it.
		 * @param secrets the secrets, none empty
		 * @return this builder
		 */
		public Builder secrets(List<String> secrets) {
			Assert.isTrue(secrets.stream().allMatch(StringUtils::hasLength), "must not contain an empty secret");
			this.secrets.clear();
			this.secrets.addAll(secrets);
			return this;
		}

		/**
		 * Set the header of the signing time.
		 * @param name the header name
		 * @return this builder
		 */
		public Builder timestampHeader(String name) {
			checkHeaderName(name);
			this.timestampHeader = name;
			return this;
		}

		/**
		 * Set the header of the signatures.
		 * @param name the header name
		 * @return this builder
		 */
		public Builder signatureHeader(String name) {
			checkHeaderName(name);
			this.signatureHeader = name;
			return this;
		}

		/**
		 * Set the header that carries the task id as idempotency key;
		 * {@code Idempotency-Key} by default.
		 * @param name the header name
		 * @return this builder
		 */
		public Builder idempotencyHeader(String name) {
			checkHeaderName(name);
			this.idempotencyHeader = name;
			return this;
		}

		/**
		 * Add headers whose values are credentials, beyond {@code Authorization},
		 * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie} and
		 * {@code X-Api-Key}: their values never appear in logs, errors or results.
		 * @param names the header names
		 * @return this builder
		 */
		public Builder sensitiveHeaders(List<String> names) {
			names.forEach(Builder::checkHeaderName);
			this.sensitiveHeaders.addAll(names);
			return this;
		}

		/**
		 * Set how many calls may run at once to the type's target on this node; 0, the
		 * default, for no limit. A task over the limit is postponed unstarted.
		 * @param limit the limit, from 0
		 * @return this builder
		 */
		public Builder concurrencyLimit(int limit) {
			Assert.isTrue(limit >= 0, "must not be negative");
			this.concurrencyLimit = limit;
			return this;
		}

		/**
		 * Set what the concurrency limit and the circuit breaker apply to; the type by
		 * default.
		 * @param limitPer the target
		 * @return this builder
		 */
		public Builder limitPer(LimitPer limitPer) {
			Assert.notNull(limitPer, "must not be null");
			this.limitPer = limitPer;
			return this;
		}

		/**
		 * Set how long a task waits when its target is at its concurrency limit, shifted at
		 * random by up to half of it; 1 second by default.
		 * @param delay the delay, positive
		 * @return this builder
		 */
		public Builder postponeDelay(Duration delay) {
			this.postponeDelay = positive(delay);
			return this;
		}

		/**
		 * Set the circuit breaker; none by default.
		 * @param circuitBreaker the breaker's settings, or {@code null} for none
		 * @return this builder
		 */
		public Builder circuitBreaker(@Nullable CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		/**
		 * Build the definition.
		 * @return the definition
		 */
		public HttpTaskDefinition build() {
			return new HttpTaskDefinition(this);
		}

		private static Duration positive(Duration duration) {
			Assert.isTrue(duration != null && duration.compareTo(Duration.ZERO) > 0, "must be positive");
			return duration;
		}

		private static void checkHeaderName(String name) {
			// RFC 9110 token characters
			Assert.isTrue(StringUtils.hasLength(name)
					&& name.chars().allMatch((c) -> c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0),
					() -> "'" + name + "' is not a valid header name");
		}

	}

}

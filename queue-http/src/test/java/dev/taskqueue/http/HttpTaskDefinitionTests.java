package dev.taskqueue.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.NonRetryableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HttpTaskDefinition} and the pieces it is made of: URL templates, status
 * sets, {@code Retry-After} values and circuit breakers.
 */
class HttpTaskDefinitionTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void urlTakesPayloadValuesEncodedAsComponents() {
		UrlTemplate url = UrlTemplate.parse("https://x.example/c/{customer.id}/hook?ref={ref}");
		assertThat(url.expand("hook", mapper.readTree("{\"customer\":{\"id\":\"a/b c\"},\"ref\":\"x&y=1\"}")))
			.hasToString("https://x.example/c/a%2Fb%20c/hook?ref=x%26y%3D1");
		assertThat(url.expand("hook", mapper.readTree("{\"customer\":{\"id\":42},\"ref\":true}")))
			.hasToString("https://x.example/c/42/hook?ref=true");
	}

	@Test
	void missingOrNonScalarUrlValueFailsNonRetryablyNamingTheTypeAndField() {
		UrlTemplate url = UrlTemplate.parse("https://x.example/c/{customerId}");
		assertThatExceptionOfType(NonRetryableException.class).isThrownBy(() -> url.expand("hook", null))
			.withMessage("Task type 'hook': the URL takes 'customerId' from the payload, which has no such field");
		assertThatExceptionOfType(NonRetryableException.class)
			.isThrownBy(() -> url.expand("hook", mapper.readTree("{\"customerId\":{\"a\":1}}")))
			.withMessageContaining("'customerId'");
	}

	@Test
	void urlValueThatStepsAlongThePathFailsNonRetryablyNamingTheTypeAndField() {
		UrlTemplate url = UrlTemplate.parse("https://x.example/customers/{id}/hook");
		assertThatExceptionOfType(NonRetryableException.class)
			.isThrownBy(() -> url.expand("hook", mapper.readTree("{\"id\":\"..\"}")))
			.withMessageContaining("Task type 'hook'")
			.withMessageContaining("'id'");
		assertThatExceptionOfType(NonRetryableException.class)
			.isThrownBy(() -> url.expand("hook", mapper.readTree("{\"id\":\".\"}")))
			.withMessageContaining("'id'");
		assertThat(url.expand("hook", mapper.readTree("{\"id\":\"...\"}")))
			.hasToString("https://x.example/customers/.../hook");
	}

	@Test
	void urlTakesNoValueBeforeItsPath() {
		assertThatIllegalArgumentException().isThrownBy(() -> UrlTemplate.parse("https://{host}/hook"))
			.withMessageContaining("{host}");
		assertThatIllegalArgumentException().isThrownBy(() -> UrlTemplate.parse("https://x.example:{port}/hook"))
			.withMessageContaining("{port}");
		assertThatIllegalArgumentException().isThrownBy(() -> UrlTemplate.parse("https://x.example{path}"))
			.withMessageContaining("{path}");
		assertThatIllegalArgumentException().isThrownBy(() -> UrlTemplate.parse("{scheme}://x.example/hook"))
			.withMessageContaining("{scheme}");
		assertThat(UrlTemplate.parse("https://x.example?ref={ref}").hasVariables()).isTrue();
	}

	@Test
	void urlMustBeAbsoluteHttpWithoutCredentials() {
		assertThatIllegalArgumentException().isThrownBy(() -> HttpTaskDefinition.builder("t", "/relative"))
			.withMessageContaining("not an absolute http or https URL");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpTaskDefinition.builder("t", "ftp://x.example/a"))
			.withMessageContaining("not an absolute http or https URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpTaskDefinition.builder("t", "https://user:pass@x.example/a"))
			.withMessageContaining("credentials");
	}

	@Test
	void successStatusesTakeCodesClassesAndRanges() {
		StatusSet statuses = StatusSet.parse(List.of("204", "3xx", "400-402"));
		assertThat(statuses.contains(204)).isTrue();
		assertThat(statuses.contains(200)).isFalse();
		assertThat(statuses.contains(302)).isTrue();
		assertThat(statuses.contains(401)).isTrue();
		assertThat(statuses.contains(403)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> StatusSet.parse(List.of("abc")))
			.withMessage("'abc' is not a status such as 204, 2xx or 200-299");
		assertThatIllegalArgumentException().isThrownBy(() -> StatusSet.parse(List.of("299-200")));
	}

	@Test
	void invalidSettingsAreRefusedSayingWhy() {
		HttpTaskDefinition.Builder builder = HttpTaskDefinition.builder("t", "https://x.example");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(Duration.ZERO))
			.withMessage("must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.concurrencyLimit(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.secrets(List.of("")));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.headers(Map.of("Bad Name", "x")))
			.withMessage("'Bad Name' is not a valid header name");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.method("PO ST"));
		assertThatIllegalArgumentException().isThrownBy(() -> new HttpTaskDefinition.CircuitBreaker(0, Duration.ofSeconds(1)));
	}

	@Test
	void credentialHeadersAreSensitiveWhateverTheirCase() {
		HttpTaskDefinition definition = HttpTaskDefinition.builder("t", "https://x.example")
			.sensitiveHeaders(List.of("X-Api-Key"))
			.build();
		assertThat(definition.isSensitive("authorization")).isTrue();
		assertThat(definition.isSensitive("Set-Cookie")).isTrue();
		assertThat(definition.isSensitive("x-api-key")).isTrue();
		assertThat(definition.isSensitive("Content-Type")).isFalse();
	}

	@Test
	void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
		Instant now = Instant.parse("2026-01-01T10:00:00Z");
		assertThat(HttpTaskHandler.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
		assertThat(HttpTaskHandler.retryAfter("Thu, 01 Jan 2026 10:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
		assertThat(HttpTaskHandler.retryAfter("Thu, 01 Jan 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
		assertThat(HttpTaskHandler.retryAfter("-1", now)).isNull();
		assertThat(HttpTaskHandler.retryAfter("soon", now)).isNull();
		assertThat(HttpTaskHandler.retryAfter(null, now)).isNull();
	}

	@Test
	void breakerOpensAfterFailuresInARowLetsOneTrialThroughAndClosesOnSuccess() {
		Targets.Breaker breaker = new Targets.Breaker(new HttpTaskDefinition.CircuitBreaker(2, Duration.ofSeconds(10)));
		Instant now = Instant.parse("2026-01-01T10:00:00Z");
		breaker.failed(now);
		breaker.succeeded();
		breaker.failed(now);
		assertThat(breaker.permit(now)).isNull();
		breaker.failed(now);
		assertThat(breaker.permit(now.plusSeconds(4))).isEqualTo(Duration.ofSeconds(6));
		assertThat(breaker.permit(now.plusSeconds(10))).isNull();
		assertThat(breaker.permit(now.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10));
		breaker.failed(now.plusSeconds(11));
		assertThat(breaker.permit(now.plusSeconds(12))).isEqualTo(Duration.ofSeconds(9));
		assertThat(breaker.permit(now.plusSeconds(21))).isNull();
		breaker.succeeded();
		assertThat(breaker.permit(now.plusSeconds(21))).isNull();
		// Closed with its failures forgotten: one more does not open it
		breaker.failed(now.plusSeconds(21));
		assertThat(breaker.permit(now.plusSeconds(21))).isNull();
	}

	@Test
	void answerThatIsTheRequestsFaultLeavesTheBreakerAsItWasButLetsAnotherTrialThrough() {
		Targets targets = new Targets(java.time.Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), java.time.ZoneOffset.UTC));
		HttpTaskDefinition.CircuitBreaker settings = new HttpTaskDefinition.CircuitBreaker(2, Duration.ofSeconds(10));
		targets.called("type t", settings, Targets.Call.FAILED);
		targets.called("type t", settings, Targets.Call.ANSWERED);
		targets.called("type t", settings, Targets.Call.FAILED);
		assertThat(targets.breakerWait("type t", settings)).isEqualTo(Duration.ofSeconds(10));

		Targets.Breaker breaker = new Targets.Breaker(settings);
		Instant now = Instant.parse("2026-01-01T10:00:00Z");
		breaker.failed(now);
		breaker.failed(now);
		assertThat(breaker.permit(now.plusSeconds(10))).isNull();
		breaker.answered();
		// Still open, its trial over: the next call tries again
		assertThat(breaker.permit(now.plusSeconds(10))).isNull();
		breaker.failed(now.plusSeconds(10));
		assertThat(breaker.permit(now.plusSeconds(11))).isEqualTo(Duration.ofSeconds(9));
	}

	@Test
	void typesSharingAHostKeepABreakerPerSettings() {
		Targets targets = new Targets(java.time.Clock.systemUTC());
		HttpTaskDefinition.CircuitBreaker patient = new HttpTaskDefinition.CircuitBreaker(5, Duration.ofSeconds(10));
		HttpTaskDefinition.CircuitBreaker touchy = new HttpTaskDefinition.CircuitBreaker(1, Duration.ofSeconds(10));
		assertThat(targets.breakerWait("host a:443", patient)).isNull();
		targets.called("host a:443", touchy, Targets.Call.FAILED);
		assertThat(targets.breakerWait("host a:443", touchy)).isNotNull();
		assertThat(targets.breakerWait("host a:443", patient)).isNull();
	}

	@Test
	void typesLimitedPerHostShareTheHostsCallsEachAgainstItsOwnLimit() {
		Targets targets = new Targets(java.time.Clock.systemUTC());
		assertThat(targets.tryAcquire("host a:443", 2)).isTrue();
		assertThat(targets.tryAcquire("host a:443", 1)).isFalse();
		assertThat(targets.tryAcquire("host a:443", 2)).isTrue();
		assertThat(targets.tryAcquire("host a:443", 2)).isFalse();
		targets.release("host a:443");
		assertThat(targets.tryAcquire("host a:443", 2)).isTrue();
		assertThat(targets.tryAcquire("host a:443", 2)).isFalse();
	}

}

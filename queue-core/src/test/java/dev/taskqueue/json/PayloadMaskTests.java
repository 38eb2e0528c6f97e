package dev.taskqueue.json;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payloads shown as they are, with fields masked, or hidden.
 */
class PayloadMaskTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final JsonNode payload = mapper.readTree("""
			{"user": "ada", "Password": "hunter2", "card": {"number": "4111", "token": "t"},
			 "logins": [{"apiKey": "k", "at": 1}], "note": "password"}""");

	@Test
	void maskReplacesTheValuesOfTheNamedFieldsAtAnyDepthIgnoringCase() {
		PayloadMask mask = PayloadMask.of(PayloadMask.Visibility.MASK, List.of("password", "TOKEN", "apikey"));
		JsonNode masked = mask.apply(this.payload);
		assertThat(masked.toString()).isEqualTo(
				"{\"user\":\"ada\",\"Password\":\"***\",\"card\":{\"number\":\"4111\",\"token\":\"***\"},"
						+ "\"logins\":[{\"apiKey\":\"***\",\"at\":1}],\"note\":\"password\"}");
		assertThat(this.payload.get("Password").asString()).isEqualTo("hunter2");
	}

	@Test
	void maskMatchesNamesThatContainAWordWithoutDashesOrUnderscores() {
		PayloadMask mask = PayloadMask.of(PayloadMask.Visibility.MASK,
				List.of("password", "secret", "token", "apiKey", "authorization", "credential", "cookie", "privateKey"));
		JsonNode masked = mask.apply(mapper.readTree("""
				{"accessToken": "a", "refresh_token": "r", "api_key": "k", "clientSecret": "s", "x-api-key": "x",
				 "Set-Cookie": "c", "private_key": "p", "credentials": {"user": "u"}, "tokens": ["t"],
				 "user": "ada", "id": 1}"""));
		assertThat(masked.toString()).isEqualTo("{\"accessToken\":\"***\",\"refresh_token\":\"***\",\"api_key\":\"***\","
				+ "\"clientSecret\":\"***\",\"x-api-key\":\"***\",\"Set-Cookie\":\"***\",\"private_key\":\"***\","
				+ "\"credentials\":\"***\",\"tokens\":\"***\",\"user\":\"ada\",\"id\":1}");
	}

	@Test
	void showLeavesThePayloadAsItIs() {
		assertThat(PayloadMask.of(PayloadMask.Visibility.SHOW, List.of("password")).apply(this.payload))
			.isEqualTo(this.payload);
	}

	@Test
	void hideShowsNothingOfThePayload() {
		assertThat(PayloadMask.of(PayloadMask.Visibility.HIDE, List.of()).apply(this.payload).asString())
			.isEqualTo(PayloadMask.MASKED);
	}

	@Test
	void anAbsentPayloadStaysAbsent() {
		assertThat(PayloadMask.of(PayloadMask.Visibility.HIDE, List.of()).apply(null)).isNull();
	}

}

package dev.taskqueue.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebhookSignature}.
 */
class WebhookSignatureTests {

	private static final byte[] BODY = "{\"event\":\"paid\"}".getBytes(StandardCharsets.UTF_8);

	private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	private static final Duration TOLERANCE = Duration.ofMinutes(5);

	@Test
	void signatureIsTheHmacSha256OfTheTimestampADotAndTheBody() {
		// echo -n '1767261600.{"event":"paid"}' | openssl dgst -sha256 -hmac secret
		assertThat(WebhookSignature.sign(List.of("secret"), NOW.getEpochSecond(), BODY))
			.isEqualTo("v1=20e27dbd60089f7b2cffbd8c6ef80e91c477772a94ddc8e2dab00cfea7782cf3");
	}

	@Test
	void eachSecretAddsASignatureThatItsHolderVerifies() {
		String header = WebhookSignature.sign(List.of("new", "old"), NOW.getEpochSecond(), BODY);
		String timestamp = Long.toString(NOW.getEpochSecond());
		assertThat(header.split(",")).hasSize(2);
		assertThat(WebhookSignature.verify("new", timestamp, header, BODY, TOLERANCE, NOW)).isTrue();
		assertThat(WebhookSignature.verify("old", timestamp, header, BODY, TOLERANCE, NOW)).isTrue();
		assertThat(WebhookSignature.verify("other", timestamp, header, BODY, TOLERANCE, NOW)).isFalse();
	}

	@Test
	void changedBodyOrTimestampDoesNotVerify() {
		String header = WebhookSignature.sign(List.of("secret"), NOW.getEpochSecond(), BODY);
		byte[] changed = "{\"event\":\"refunded\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(WebhookSignature.verify("secret", Long.toString(NOW.getEpochSecond()), header, changed, TOLERANCE,
				NOW)).isFalse();
		assertThat(WebhookSignature.verify("secret", Long.toString(NOW.getEpochSecond() + 1), header, BODY,
				TOLERANCE, NOW)).isFalse();
	}

	@Test
	void signatureOutsideTheToleranceOrMissingHeadersDoNotVerify() {
		long old = NOW.minus(Duration.ofMinutes(6)).getEpochSecond();
		String header = WebhookSignature.sign(List.of("secret"), old, BODY);
		assertThat(WebhookSignature.verify("secret", Long.toString(old), header, BODY, TOLERANCE, NOW)).isFalse();
		assertThat(WebhookSignature.verify("secret", Long.toString(old), header, BODY, Duration.ofMinutes(10), NOW))
			.isTrue();
		assertThat(WebhookSignature.verify("secret", null, header, BODY, TOLERANCE, NOW)).isFalse();
		assertThat(WebhookSignature.verify("secret", "soon", header, BODY, TOLERANCE, NOW)).isFalse();
		assertThat(WebhookSignature.verify("secret", Long.toString(old), null, BODY, TOLERANCE, NOW)).isFalse();
	}

}

package dev.taskqueue.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.http.HttpTaskResult;
import dev.taskqueue.http.WebhookSignature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The signed webhook: the {@code order-webhook} task calls the sample's own receiver, whose
 * signature check passes, and a request signed with another secret is refused. The server
 * runs on a port chosen here, since the type's URL names the port when the context starts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
class SampleWebhookTests {

	private static final int PORT = TestSocketUtils.findAvailableTcpPort();

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	private TaskQueue queue;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + PORT).build();
	}

	@Test
	void theWebhookArrivesSignedAndIsVerified() {
		JsonNode ref = this.http.post().uri("/orders/ORD-HOOK-1/webhook").retrieve().body(JsonNode.class);
		UUID id = UUID.fromString(ref.get("id").asString());

		TaskState task = await().atMost(Duration.ofSeconds(20))
			.until(() -> this.queue.find(id).orElseThrow(), (state) -> state.status().isFinished());
		assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(task.attempts()).isEqualTo(1);
		assertThat(task.result(HttpTaskResult.class).status()).isEqualTo(204);

		JsonNode delivery = latestDelivery();
		assertThat(delivery.get("orderId").asString()).isEqualTo("ORD-HOOK-1");
		assertThat(delivery.get("idempotencyKey").asString()).isEqualTo(id.toString());
		assertThat(delivery.get("verified").asBoolean()).isTrue();
	}

	@Test
	void aRequestSignedWithAnotherSecretIsRefused() {
		long now = System.currentTimeMillis() / 1000;
		byte[] body = "{\"orderId\":\"ORD-FORGED\",\"event\":\"order.shipped\"}".getBytes(StandardCharsets.UTF_8);
		int status = this.http.post()
			.uri("/webhooks/orders/ORD-FORGED")
			.contentType(MediaType.APPLICATION_JSON)
			.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
			.header(WebhookSignature.SIGNATURE_HEADER,
					WebhookSignature.sign(List.of("not-the-secret"), now, body))
			.body(body)
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(401);
		assertThat(latestDelivery().get("verified").asBoolean()).isFalse();
	}

	private JsonNode latestDelivery() {
		return this.http.get().uri("/webhooks/orders").retrieve().body(JsonNode.class).get(0);
	}

}

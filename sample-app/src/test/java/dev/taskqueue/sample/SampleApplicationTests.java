package dev.taskqueue.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives the sample over HTTP, as a client would, on its in-memory H2 database.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Value("${local.server.port}")
	private int port;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void enqueuedTaskSucceedsWithItsResult() {
		JsonNode ref = post("/tasks", Map.of("type", "reserve-stock", "payload",
				Map.of("orderId", "ORD-TEST", "lines", new Object[] { Map.of("sku", "BOOK-42", "quantity", 2),
						Map.of("sku", "MUG-7", "quantity", 1) })));
		assertThat(ref.get("type").asString()).isEqualTo("reserve-stock");

		JsonNode task = awaitStatus(ref.get("id").asString(), "SUCCEEDED");
		assertThat(task.get("queue").asString()).isEqualTo("fulfilment");
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
		assertThat(task.get("result").get("orderId").asString()).isEqualTo("ORD-TEST");
		assertThat(task.get("result").get("items").asInt()).isEqualTo(3);
		assertThat(task.get("result").get("reservationId").asString()).startsWith("RES-");
		assertThat(task.get("error").isNull()).isTrue();
	}

	@Test
	void orderFlowRunsChildrenAfterTheirParents() {
		JsonNode order = post("/orders", order(false));
		JsonNode tasks = order.get("tasks");

		JsonNode notify = awaitStatus(tasks.get("notify-customer").asString(), "SUCCEEDED");
		JsonNode reserve = get(tasks.get("reserve-stock").asString());
		JsonNode charge = get(tasks.get("charge-payment").asString());
		JsonNode ship = get(tasks.get("ship-order").asString());
		assertThat(reserve.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(charge.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(ship.get("status").asString()).isEqualTo("SUCCEEDED");

		// Fan-in: shipping started once both stock and payment had finished
		assertThat(instant(ship, "startedAt")).isAfterOrEqualTo(instant(reserve, "finishedAt"))
			.isAfterOrEqualTo(instant(charge, "finishedAt"));
		// Chain: the customer was told once the parcel had shipped
		assertThat(instant(notify, "startedAt")).isAfterOrEqualTo(instant(ship, "finishedAt"));

		assertThat(ship.get("result").get("orderId").asString()).isEqualTo(order.get("orderId").asString());
		assertThat(ship.get("result").get("trackingNumber").asString()).startsWith("PE");
		assertThat(notify.get("result").isNull()).isTrue();
	}

	@Test
	void failedParentHoldsItsChildrenUntilRetried() {
		JsonNode tasks = post("/orders", order(true)).get("tasks");
		String chargeId = tasks.get("charge-payment").asString();

		JsonNode charge = awaitStatus(chargeId, "FAILED");
		assertThat(charge.get("error").asString()).contains("Payment gateway unavailable");
		awaitStatus(tasks.get("reserve-stock").asString(), "SUCCEEDED");
		assertThat(get(tasks.get("ship-order").asString()).get("status").asString()).isEqualTo("WAITING");

		JsonNode retried = post("/tasks/" + chargeId + "/retry", Map.of());
		assertThat(retried.get("changed").asBoolean()).isTrue();

		awaitStatus(tasks.get("notify-customer").asString(), "SUCCEEDED");
		charge = get(chargeId);
		assertThat(charge.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(charge.get("attempts").asInt()).isEqualTo(2);
		assertThat(charge.get("result").get("attempt").asInt()).isEqualTo(2);
	}

	@Test
	void cancelStopsATaskThatHasNotRunYet() {
		JsonNode ref = post("/tasks", Map.of("type", "notify-customer", "delaySeconds", 3600, "payload",
				Map.of("orderId", "ORD-LATER", "customer", "ada@example.com")));
		String id = ref.get("id").asString();
		assertThat(get(id).get("status").asString()).isEqualTo("READY");

		JsonNode cancelled = post("/tasks/" + id + "/cancel", Map.of());
		assertThat(cancelled.get("changed").asBoolean()).isTrue();
		assertThat(cancelled.get("task").get("status").asString()).isEqualTo("CANCELLED");
		assertThat(post("/tasks/" + id + "/cancel", Map.of()).get("changed").asBoolean()).isFalse();
	}

	private static Map<String, Object> order(boolean simulateGatewayError) {
		return Map.of("customer", "ada@example.com", "lines",
				new Object[] { Map.of("sku", "BOOK-42", "quantity", 1) }, "total", 24.90, "simulateGatewayError",
				simulateGatewayError);
	}

	private JsonNode awaitStatus(String id, String status) {
		return await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> get(id), (task) -> status.equals(task.get("status").asString()));
	}

	private JsonNode get(String id) {
		return this.http.get().uri("/tasks/{id}", id).retrieve().body(JsonNode.class);
	}

	private JsonNode post(String path, Object body) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.body(JsonNode.class);
	}

	private static Instant instant(JsonNode task, String field) {
		return Instant.parse(task.get(field).asString());
	}

}

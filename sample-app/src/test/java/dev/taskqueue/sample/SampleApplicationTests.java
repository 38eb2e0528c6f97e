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
		assertThat(task.get("errors")).isEmpty();
		assertThat(task.get("key").isNull()).isTrue();
	}

	@Test
	void orderFlowRunsChildrenAfterTheirParents() {
		JsonNode order = post("/orders", order(0));
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
	void chargeThatFailsWhileTheGatewayIsDownIsRetriedUntilItSucceeds() {
		JsonNode tasks = post("/orders", order(2)).get("tasks");

		JsonNode charge = awaitStatus(tasks.get("charge-payment").asString(), "SUCCEEDED");
		assertThat(charge.get("attempts").asInt()).isEqualTo(3);
		assertThat(charge.get("result").get("attempt").asInt()).isEqualTo(3);
		assertThat(charge.get("result").get("transactionId").asString()).startsWith("TX-");
		// Every failed attempt's error is kept, oldest first
		JsonNode errors = charge.get("errors");
		assertThat(errors).hasSize(2);
		assertThat(errors.get(0).get("attempt").asInt()).isEqualTo(1);
		assertThat(errors.get(0).get("message").asString())
			.isEqualTo("Payment gateway unavailable (simulated outage, attempt 1)");
		assertThat(errors.get(1).get("attempt").asInt()).isEqualTo(2);
		assertThat(errors.get(1).get("message").asString())
			.isEqualTo("Payment gateway unavailable (simulated outage, attempt 2)");
		// The second attempt ran once the retry delay had passed since the first one failed
		assertThat(instant(errors.get(1), "failedAt")).isAfter(instant(errors.get(0), "failedAt"));

		// Nobody had to step in: the rest of the flow went on by itself
		awaitStatus(tasks.get("notify-customer").asString(), "SUCCEEDED");
	}

	@Test
	void failedParentHoldsItsChildrenUntilRetriedByHandWithFreshRetries() {
		// Down for longer than the charge's 3 retries last: the first 4 attempts fail
		JsonNode tasks = post("/orders", order(5)).get("tasks");
		String chargeId = tasks.get("charge-payment").asString();

		JsonNode charge = awaitStatus(chargeId, "FAILED");
		assertThat(charge.get("attempts").asInt()).isEqualTo(4);
		assertThat(charge.get("errors")).hasSize(4);
		assertThat(charge.get("error").asString()).isEqualTo("Payment gateway unavailable (simulated outage, attempt 4)");
		awaitStatus(tasks.get("reserve-stock").asString(), "SUCCEEDED");
		assertThat(get(tasks.get("ship-order").asString()).get("status").asString()).isEqualTo("WAITING");

		JsonNode retried = post("/tasks/" + chargeId + "/retry", Map.of());
		assertThat(retried.get("changed").asBoolean()).isTrue();

		// Attempt 5 still fails; it has 3 retries again, and attempt 6 succeeds
		awaitStatus(tasks.get("notify-customer").asString(), "SUCCEEDED");
		charge = get(chargeId);
		assertThat(charge.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(charge.get("attempts").asInt()).isEqualTo(6);
		assertThat(charge.get("result").get("attempt").asInt()).isEqualTo(6);
		assertThat(charge.get("errors")).hasSize(5);
		assertThat(charge.get("errors").get(4).get("attempt").asInt()).isEqualTo(5);
	}

	@Test
	void declinedCardFailsTheChargeAtOnce() {
		Map<String, Object> order = Map.of("customer", "ada@example.com", "lines",
				new Object[] { Map.of("sku", "PIANO-1", "quantity", 1) }, "total", 9999.00);
		JsonNode tasks = post("/orders", order).get("tasks");

		JsonNode charge = awaitStatus(tasks.get("charge-payment").asString(), "FAILED");
		assertThat(charge.get("attempts").asInt()).isEqualTo(1);
		assertThat(charge.get("error").asString()).startsWith("Card declined");
		assertThat(charge.get("errors")).hasSize(1);
		assertThat(get(tasks.get("ship-order").asString()).get("status").asString()).isEqualTo("WAITING");
	}

	@Test
	void receiptAskedForAgainWhilePendingIsTheSameTask() {
		String path = "/orders/ORD-RECEIPT/receipt";
		Map<String, String> customer = Map.of("customer", "ada@example.com");
		JsonNode first = post(path, customer);
		JsonNode again = post(path, customer);
		assertThat(first.get("alreadyRequested").asBoolean()).isFalse();
		assertThat(again.get("alreadyRequested").asBoolean()).isTrue();
		assertThat(again.get("id").asString()).isEqualTo(first.get("id").asString());
		JsonNode pending = get(first.get("id").asString());
		assertThat(pending.get("status").asString()).isEqualTo("READY");
		assertThat(pending.get("key").asString()).isEqualTo("receipt:ORD-RECEIPT");

		// Once it has gone out, the key is free: asking again sends another receipt
		awaitStatus(first.get("id").asString(), "SUCCEEDED");
		JsonNode later = post(path, customer);
		assertThat(later.get("alreadyRequested").asBoolean()).isFalse();
		assertThat(later.get("id").asString()).isNotEqualTo(first.get("id").asString());
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

	private static Map<String, Object> order(int gatewayFailures) {
		return Map.of("customer", "ada@example.com", "lines",
				new Object[] { Map.of("sku", "BOOK-42", "quantity", 1) }, "total", 24.90, "gatewayFailures",
				gatewayFailures);
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

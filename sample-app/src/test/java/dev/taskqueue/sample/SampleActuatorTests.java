package dev.taskqueue.sample;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.sample.fulfilment.Payloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TaskQueue's health and operator's endpoint over HTTP, with write access to the endpoint,
 * which the sample gives its operators.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,taskqueue",
				"management.endpoint.health.show-components=always", "management.endpoint.health.show-details=always",
				"management.endpoint.taskqueue.access=unrestricted", "taskqueue.metrics.refresh-interval=0s" })
class SampleActuatorTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private TaskQueue queue;

	private RestClient http;

	@BeforeEach
	void createClient() {
		// Reads are open to anyone; write operations need an operator
		this.http = RestClient.builder()
			.baseUrl("http://localhost:" + this.port + "/actuator")
			.defaultHeaders((headers) -> headers.setBasicAuth("operator", "operator"))
			.build();
	}

	@Test
	void theEndpointCountsTasksAndListsTheLiveNode() {
		this.queue.enqueue(later());
		JsonNode overview = get("/taskqueue");
		assertThat(overview.get("queues").get("notifications").get("READY").asLong()).isPositive();
		assertThat(overview.get("tasks").get("READY").asLong()).isPositive();
		assertThat(overview.has("backlog")).isTrue();
		assertThat(overview.has("oldestDueAge")).isTrue();
		assertThat(overview.get("nodes")).hasSize(1);
	}

	@Test
	void aTaskIsReadAndCancelledAndRetriedThroughTheEndpoint() {
		UUID id = this.queue.enqueue(later()).id();
		JsonNode task = get("/taskqueue/tasks/" + id);
		assertThat(task.get("status").asString()).isEqualTo("READY");
		assertThat(task.get("type").asString()).isEqualTo("notify-customer");
		JsonNode cancelled = this.http.post().uri("/taskqueue/tasks/" + id + "/cancel").retrieve().body(JsonNode.class);
		assertThat(cancelled.get("changed").asInt()).isEqualTo(1);
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
		JsonNode retried = this.http.post().uri("/taskqueue/tasks/" + id + "/retry").retrieve().body(JsonNode.class);
		assertThat(retried.get("changed").asInt()).isEqualTo(1);
		// A retry is due at once: the sample's worker may already have run it
		assertThat(get("/taskqueue/tasks/" + id).get("status").asString()).isIn("READY", "RUNNING", "SUCCEEDED");
	}

	@Test
	void anUnknownTaskIsNotFound() {
		int status = this.http.get().uri("/taskqueue/tasks/" + UUID.randomUUID()).exchange(
				(request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(404);
	}

	@Test
	void healthReportsTheQueue() {
		JsonNode health = get("/health/taskqueue");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").has("backlog")).isTrue();
		assertThat(health.get("details").get("liveNodes").asInt()).isEqualTo(1);
	}

	private JsonNode get(String path) {
		return this.http.get().uri(path).retrieve().body(JsonNode.class);
	}

	static TaskRequest later() {
		return TaskRequest.builder("notify-customer")
			.payload(new Payloads.Notification("ORD-LATER", "Ada"))
			.delay(Duration.ofHours(1))
			.build();
	}

}

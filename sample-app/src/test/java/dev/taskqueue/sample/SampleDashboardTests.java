package dev.taskqueue.sample;

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
import dev.taskqueue.TaskStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in the sample: served to its users, read-only for the viewer.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleDashboardTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private TaskQueue queue;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + this.port + "/taskqueue").build();
	}

	@Test
	void eachUserSeesTheDashboardWithTheirRole() {
		assertThat(me("viewer").get("operator").asBoolean()).isFalse();
		assertThat(me("operator").get("operator").asBoolean()).isTrue();
		String page = this.http.get().uri("/").headers((headers) -> headers.setBasicAuth("viewer", "viewer"))
			.retrieve().body(String.class);
		assertThat(page).contains("assets/app.js");
	}

	@Test
	void withoutSigningInTheApiIsRefused() {
		int status = this.http.get().uri("/api/overview").exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(401);
	}

	@Test
	void theViewerCannotCancel() {
		UUID id = this.queue.enqueue(SampleActuatorTests.later()).id();
		int status = this.http.post().uri("/api/tasks/" + id + "/cancel")
			.headers((headers) -> headers.setBasicAuth("viewer", "viewer"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(403);
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		this.queue.cancel(id);
	}

	private JsonNode me(String user) {
		return this.http.get().uri("/api/me").headers((headers) -> headers.setBasicAuth(user, user))
			.retrieve().body(JsonNode.class);
	}

}

package dev.taskqueue.sample;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's stock feed daemon, seen and controlled over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleDaemonsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Value("${local.server.port}")
	private int port;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void stockFeedRunsAndCanBeStoppedAndStartedAgain() {
		awaitStatus("RUNNING");
		assertThat(stockFeed().get("node").asString()).isNotEmpty();

		this.http.post().uri("/daemons/stock-feed/stop").retrieve().toBodilessEntity();
		JsonNode stopped = awaitStatus("STOPPED");
		assertThat(stopped.get("node").isNull()).isTrue();

		this.http.post().uri("/daemons/stock-feed/start").retrieve().toBodilessEntity();
		awaitStatus("RUNNING");
	}

	@Test
	void unknownDaemonIsNotFound() {
		HttpStatusCode status = this.http.post()
			.uri("/daemons/nope/stop")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.value()).isEqualTo(404);
	}

	private JsonNode awaitStatus(String status) {
		await().atMost(TIMEOUT).until(() -> status.equals(stockFeed().get("status").asString()));
		return stockFeed();
	}

	private JsonNode stockFeed() {
		JsonNode daemons = this.http.get().uri("/daemons").retrieve().body(JsonNode.class);
		for (JsonNode daemon : daemons) {
			if ("stock-feed".equals(daemon.get("name").asString())) {
				return daemon;
			}
		}
		throw new AssertionError("No stock-feed daemon in " + daemons);
	}

}

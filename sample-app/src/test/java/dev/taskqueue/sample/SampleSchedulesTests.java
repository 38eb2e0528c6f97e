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
 * The sample's schedules, seen and fired over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleSchedulesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Value("${local.server.port}")
	private int port;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void declaredSchedulesAreListedWithTheirNextSlots() {
		JsonNode stockCheck = schedule("stock-check");
		assertThat(stockCheck.get("cron").asString()).isEqualTo("*/10 * * * * *");
		assertThat(stockCheck.get("declared").asBoolean()).isTrue();
		assertThat(stockCheck.get("nextSlots")).hasSize(5);
		JsonNode salesReport = schedule("daily-sales-report");
		assertThat(salesReport.get("type").asString()).isEqualTo("sales-report");
		assertThat(salesReport.get("zone").asString()).isEqualTo("Europe/Berlin");
	}

	@Test
	void aTriggeredSlotRunsAndShowsInTheHistory() {
		String taskId = this.http.post()
			.uri("/schedules/stock-check/trigger")
			.retrieve()
			.body(JsonNode.class)
			.get("id")
			.asString();
		await().atMost(TIMEOUT)
			.until(() -> "SUCCEEDED".equals(this.http.get()
				.uri("/tasks/{id}", taskId)
				.retrieve()
				.body(JsonNode.class)
				.get("status")
				.asString()));
		JsonNode history = this.http.get().uri("/schedules/stock-check/history").retrieve().body(JsonNode.class);
		assertThat(history.findValuesAsString("taskId")).contains(taskId);
	}

	@Test
	void unknownScheduleIsNotFound() {
		HttpStatusCode status = this.http.post()
			.uri("/schedules/nope/trigger")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.value()).isEqualTo(404);
	}

	private JsonNode schedule(String name) {
		JsonNode schedules = this.http.get().uri("/schedules").retrieve().body(JsonNode.class);
		for (JsonNode schedule : schedules) {
			if (name.equals(schedule.get("name").asString())) {
				return schedule;
			}
		}
		throw new AssertionError("No schedule " + name + " in " + schedules);
	}

}

package dev.taskqueue.http.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through the HTTP API of a server started on a random port, on every supported
 * database: enqueue, then a long poll that answers once the task has finished, or once its wait
 * is over.
 */
@SpringBootTest(classes = HttpApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "taskqueue.http-api.enabled=true", "taskqueue.http-api.max-wait=2s",
				"taskqueue.worker.poll-interval=100ms", "taskqueue.jdbc.initialize-schema=always",
				"spring.datasource.generate-unique-name=true" })
@DirtiesContext
abstract class HttpApiRoundTripContractTests {

	static final String TABLE_PREFIX = TestDatabases.uniqueTablePrefix();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@DynamicPropertySource
	static void tablePrefix(DynamicPropertyRegistry registry) {
		registry.add("taskqueue.jdbc.table-prefix", () -> TABLE_PREFIX);
	}

	@Test
	void aTaskEnqueuedOverHttpIsWaitedForUntilItHasFinished() throws Exception {
		HttpResponse<String> created = send(post("/tasks", """
				{"type": "greet", "payload": {"name": "Ada"}, "delay": "500ms"}
				"""));
		assertThat(created.statusCode()).isEqualTo(201);
		URI location = URI.create(created.headers().firstValue(HttpHeaders.LOCATION).orElseThrow());
		assertThat(location.getPort()).isEqualTo(this.port);
		long start = System.nanoTime();
		HttpResponse<String> finished = send(authorized(HttpRequest.newBuilder(URI.create(location + "?wait=30s"))));
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(finished.statusCode()).isEqualTo(200);
		JsonNode task = this.json.readTree(finished.body());
		assertThat(task.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(task.get("result").get("greeting").asString()).isEqualTo("Hello, Ada!");
		// Answered once the task finished, not when the longest wait (2s here) was over
		assertThat(waited).isLessThan(Duration.ofMillis(1900));
	}

	@Test
	void aLongPollAnswersWithTheUnfinishedTaskOnceTheLongestWaitIsOver() throws Exception {
		JsonNode created = this.json.readTree(send(post("/tasks", """
				{"type": "greet", "payload": {"name": "Bo"}, "delay": "1h"}
				""")).body());
		long start = System.nanoTime();
		HttpResponse<String> waited = send(get("/tasks/" + created.get("id").asString() + "?wait=10m"));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited.statusCode()).isEqualTo(200);
		JsonNode task = this.json.readTree(waited.body());
		assertThat(task.get("status").asString()).isEqualTo("READY");
		assertThat(task.get("finished").asBoolean()).isFalse();
		assertThat(elapsed).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
	}

	@Test
	void aCancelledTaskEndsTheLongPoll() throws Exception {
		String id = this.json.readTree(send(post("/tasks", """
				{"type": "greet", "payload": {"name": "Cy"}, "delay": "1h"}
				""")).body()).get("id").asString();
		assertThat(send(post("/tasks/" + id + "/cancel", "")).statusCode()).isEqualTo(200);
		JsonNode task = this.json.readTree(send(get("/tasks/" + id + "?wait=1s")).body());
		assertThat(task.get("status").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void callsWithoutCredentialsAreRefusedAndWriteNothing() throws Exception {
		long rows = rows();
		HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/tasks"))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"greet\", \"payload\": {\"name\": \"Di\"}}")));
		assertThat(refused.statusCode()).isEqualTo(401);
		HttpResponse<String> badRequest = send(post("/tasks", "{\"type\": \"nope\"}"));
		assertThat(badRequest.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(badRequest.body()).get("field").asString()).isEqualTo("type");
		assertThat(rows()).isEqualTo(rows);
	}

	private long rows() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE_PREFIX + "TASK", Long.class);
	}

	private HttpRequest.Builder post(String path, String body) {
		return authorized(HttpRequest.newBuilder(uri(path)))
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private HttpRequest.Builder get(String path) {
		return authorized(HttpRequest.newBuilder(uri(path)));
	}

	private HttpRequest.Builder authorized(HttpRequest.Builder request) {
		return request.header(HttpHeaders.AUTHORIZATION,
				TaskQueueHttpApiTests.basic(HttpApiTestApplication.CLIENT, HttpApiTestApplication.PASSWORD));
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + "/taskqueue-api/v1" + path);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}

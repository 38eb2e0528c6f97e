package dev.taskqueue.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Drives the sample's jobs over HTTP, as a client would, on its in-memory H2 database: a job
 * planned in chunks, an order's flow that fails and is compensated, cancel and retry.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleJobsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Value("${local.server.port}")
	private int port;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void reminderJobIsPlannedInChunksAndSucceedsWithItsCallbackOnce(CapturedOutput output) {
		ResponseEntity<JsonNode> started = startReminders(2000);
		assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		String id = started.getBody().get("id").asString();
		assertThat(started.getBody().get("name").asString()).isEqualTo("Remind 2000 customers");
		assertThat(started.getHeaders().getLocation())
			.hasToString("http://localhost:" + this.port + "/jobs/" + id);

		// Measured against the 2,000 expected reminders, progress never falls while chunks are added
		List<Double> progress = new CopyOnWriteArrayList<>();
		JsonNode job = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
			JsonNode polled = getJob(id);
			progress.add(polled.get("progress").asDouble());
			return polled;
		}, (polled) -> "SUCCEEDED".equals(polled.get("status").asString()));
		assertThat(progress).isSorted();

		assertThat(job.get("name").asString()).isEqualTo("Remind 2000 customers");
		// The planner is one of the job's tasks: 2,000 reminders and the planner
		assertThat(job.get("counts").get("SUCCEEDED").asInt()).isEqualTo(2001);
		for (String status : List.of("WAITING", "READY", "RUNNING", "FAILED", "CANCELLED")) {
			assertThat(job.get("counts").get(status).asInt()).as(status).isZero();
		}
		assertThat(job.get("total").asInt()).isEqualTo(2001);
		assertThat(job.get("expectedTasks").asInt()).isEqualTo(2000);
		assertThat(job.get("planning").asBoolean()).isFalse();
		assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
		assertThat(job.get("percent").asInt()).isEqualTo(100);
		// Set by the planner with its last chunk
		assertThat(job.get("result").get("reminders").asInt()).isEqualTo(2000);
		assertThat(job.get("result").get("chunks").asInt()).isEqualTo(4);
		assertThat(instant(job, "startedAt")).isAfterOrEqualTo(instant(job, "createdAt"));
		assertThat(instant(job, "finishedAt")).isAfterOrEqualTo(instant(job, "startedAt"));

		// The on-success callback received the job id, and ran once
		String report = "Sent 2000 reminders in 4 chunks";
		await().atMost(TIMEOUT).until(() -> occurrences(output, report, id) == 1);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
			.until(() -> occurrences(output, report, id) == 1);
	}

	@Test
	void jobTasksAreListedAPageAtATime() {
		String id = startReminders(600).getBody().get("id").asString();
		awaitJob(id, "SUCCEEDED");

		List<JsonNode> tasks = new ArrayList<>();
		get("/jobs/{id}/tasks?limit=500", id).forEach(tasks::add);
		assertThat(tasks).hasSize(500);
		get("/jobs/{id}/tasks?offset=500&limit=500", id).forEach(tasks::add);
		assertThat(tasks).hasSize(601);
		assertThat(tasks).extracting((task) -> task.get("id").asString()).doesNotHaveDuplicates();
		assertThat(tasks).allSatisfy((task) -> {
			assertThat(task.get("jobId").asString()).isEqualTo(id);
			assertThat(task.get("status").asString()).isEqualTo("SUCCEEDED");
		});

		// The planner, added when the job started, ran once per chunk and keeps the cursor of
		// its last run
		JsonNode planner = tasks.get(0);
		assertThat(planner.get("type").asString()).isEqualTo("plan-reminders");
		assertThat(planner.get("attempts").asInt()).isEqualTo(2);
		assertThat(planner.get("payload").get("from").asInt()).isEqualTo(500);
		// Then the reminders, in the order the planner added them
		assertThat(tasks.subList(1, tasks.size()))
			.extracting((task) -> task.get("payload").get("customer").asString())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 600)
				.mapToObj("customer-%06d@example.com"::formatted)
				.toList());

		assertThat(get("/jobs/{id}/tasks?status=FAILED", id)).isEmpty();
		assertThat(get("/jobs/{id}/tasks?status=SUCCEEDED&offset=600", id)).hasSize(1);
	}

	@Test
	void cancelledJobStopsPlanningAndRunsNoCallback(CapturedOutput output) {
		String id = startReminders(50_000).getBody().get("id").asString();
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> getJob(id), (job) -> job.get("total").asInt() > 1);

		// Cancelled while the planner is adding chunks
		JsonNode cancelled = post("/jobs/" + id + "/cancel");
		assertThat(cancelled.get("changed").asBoolean()).isTrue();
		JsonNode job = cancelled.get("job");
		assertThat(job.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(job.get("finishedAt").isNull()).isFalse();
		assertThat(job.get("planning").asBoolean()).isFalse();
		assertThat(job.get("total").asInt()).isLessThan(50_001);
		assertThat(job.get("counts").get("CANCELLED").asInt()).isPositive();
		// Nothing of the job is left to run, and nothing is added to it afterwards: the chunk
		// the planner was adding as it was cancelled is cancelled too, or never added
		assertThat(unfinished(job)).as("tasks left to run in %s", job).isZero();
		JsonNode counts = job.get("counts");
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(getJob(id).get("counts")).isEqualTo(counts));

		assertThat(post("/jobs/" + id + "/cancel").get("changed").asBoolean()).isFalse();
		assertThatExceptionOfType(HttpClientErrorException.BadRequest.class)
			.isThrownBy(() -> post("/jobs/" + id + "/retry"))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("was cancelled"));
		assertThat(occurrences(output, "Sent ", id)).isZero();
	}

	@Test
	void failedOrderFlowIsCompensatedOnce(CapturedOutput output) {
		Map<String, Object> order = Map.of("customer", "bob@example.com", "lines",
				new Object[] { Map.of("sku", "PIANO-1", "quantity", 1) }, "total", 9999.00);
		JsonNode placed = post("/orders", order);
		String jobId = placed.get("jobId").asString();

		// The charge failed for good, and the rest of the flow waits behind it: the job fails
		JsonNode job = awaitJob(jobId, "FAILED");
		assertThat(job.get("name").asString()).isEqualTo("Order " + placed.get("orderId").asString());
		JsonNode counts = job.get("counts");
		assertThat(counts.get("SUCCEEDED").asInt()).isEqualTo(1);
		assertThat(counts.get("FAILED").asInt()).isEqualTo(1);
		assertThat(counts.get("WAITING").asInt()).isEqualTo(2);
		assertThat(job.get("total").asInt()).isEqualTo(4);
		assertThat(job.get("progress").asDouble()).isEqualTo(0.5);
		assertThat(job.get("finishedAt").isNull()).isFalse();
		assertThat(get("/tasks/{id}", placed.get("tasks").get("charge-payment").asString()).get("jobId").asString())
			.isEqualTo(jobId);

		// The on-failure callback released the stock; nothing had been charged to refund
		String released = "Released reservation RES-";
		await().atMost(TIMEOUT).until(() -> occurrences(output, released, jobId) == 1);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
			.until(() -> occurrences(output, released, jobId) == 1);
		assertThat(occurrences(output, "Refunded", jobId)).isZero();
	}

	@Test
	void retriedFlowRunsItsFailedTaskAgainAndSucceeds(CapturedOutput output) {
		// Down for longer than the charge's 3 retries last: the first 4 attempts fail
		JsonNode placed = post("/orders", Map.of("customer", "ada@example.com", "lines",
				new Object[] { Map.of("sku", "BOOK-42", "quantity", 1) }, "total", 24.90, "gatewayFailures", 5));
		String jobId = placed.get("jobId").asString();
		awaitJob(jobId, "FAILED");
		await().atMost(TIMEOUT).until(() -> occurrences(output, "Released reservation", jobId) == 1);

		JsonNode retried = post("/jobs/" + jobId + "/retry");
		assertThat(retried.get("retried").asInt()).isEqualTo(1);
		assertThat(retried.get("job").get("status").asString()).isEqualTo("RUNNING");
		assertThat(retried.get("job").get("finishedAt").isNull()).isTrue();

		// Attempt 5 fails, attempt 6 succeeds, and the rest of the flow runs
		JsonNode job = awaitJob(jobId, "SUCCEEDED");
		assertThat(job.get("counts").get("SUCCEEDED").asInt()).isEqualTo(4);
		assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
		assertThat(get("/tasks/{id}", placed.get("tasks").get("charge-payment").asString()).get("attempts").asInt())
			.isEqualTo(6);
		// The flow has no on-success callback, and the compensation ran for the failure alone
		assertThat(occurrences(output, "Released reservation", jobId)).isEqualTo(1);
		assertThat(post("/jobs/" + jobId + "/retry").get("retried").asInt()).isZero();
	}

	@Test
	void unknownJobIsNotFound() {
		String id = UUID.randomUUID().toString();
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> getJob(id))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("Job " + id + " not found"));
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class)
			.isThrownBy(() -> get("/jobs/{id}/tasks", id));
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class)
			.isThrownBy(() -> post("/jobs/" + id + "/cancel"));
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class)
			.isThrownBy(() -> post("/jobs/" + id + "/retry"));
	}

	@Test
	void reminderJobForNoCustomersIsRejected() {
		assertThatExceptionOfType(HttpClientErrorException.BadRequest.class).isThrownBy(() -> startReminders(0))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString())
				.contains("Customers must be between 1 and 100000, not 0"));
	}

	private ResponseEntity<JsonNode> startReminders(int customers) {
		return this.http.post()
			.uri("/jobs/reminders?customers={customers}", customers)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	private JsonNode awaitJob(String id, String status) {
		return await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> getJob(id), (job) -> status.equals(job.get("status").asString()));
	}

	private JsonNode getJob(String id) {
		return get("/jobs/{id}", id);
	}

	private JsonNode get(String path, Object... variables) {
		return this.http.get().uri(path, variables).retrieve().body(JsonNode.class);
	}

	private JsonNode post(String path) {
		return post(path, Map.of());
	}

	private JsonNode post(String path, Object body) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.body(JsonNode.class);
	}

	private static int unfinished(JsonNode job) {
		JsonNode counts = job.get("counts");
		return counts.get("WAITING").asInt() + counts.get("READY").asInt() + counts.get("RUNNING").asInt();
	}

	/**
	 * Count the lines of output that contain both the given text and the given job id.
	 */
	private static long occurrences(CapturedOutput output, String text, String jobId) {
		return output.getOut().lines().filter((line) -> line.contains(text) && line.contains(jobId)).count();
	}

	private static Instant instant(JsonNode node, String field) {
		return Instant.parse(node.get(field).asString());
	}

}

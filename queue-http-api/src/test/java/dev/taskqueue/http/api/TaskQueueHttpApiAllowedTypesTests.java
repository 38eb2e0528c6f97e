package dev.taskqueue.http.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Tests for the HTTP API with allowed types and masked payload fields, through MockMvc, on H2.
 */
@SpringBootTest(classes = HttpApiTestApplication.class,
		properties = { "spring.datasource.generate-unique-name=true", "taskqueue.http-api.enabled=true",
				"taskqueue.worker.poll-interval=100ms", "taskqueue.http-api.allowed-types=greet",
				"taskqueue.dashboard.masked-fields=name" })
@AutoConfigureMockMvc
class TaskQueueHttpApiAllowedTypesTests {

	private static final String API = "/taskqueue-api/v1";

	private final JsonMapper json = new JsonMapper();

	@Autowired
	private MockMvc mvc;

	@Autowired
	private TaskQueue queue;

	@Autowired
	private JdbcTemplate jdbc;

	@Test
	void aTaskOfATypeOutsideTheAllowedOnesIsNotFoundAndNotChanged() throws Exception {
		UUID id = this.queue
			.enqueue(TaskRequest.builder("fail").delay(Duration.ofHours(1)).build())
			.id();
		assertThat(status(get(API + "/tasks/" + id))).isEqualTo(404);
		assertThat(status(get(API + "/tasks/" + id + "?wait=0s"))).isEqualTo(404);
		assertThat(status(post(API + "/tasks/" + id + "/cancel"))).isEqualTo(404);
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		this.queue.cancel(id);
		assertThat(status(post(API + "/tasks/" + id + "/retry"))).isEqualTo(404);
		assertThat(this.queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	@Test
	void aKeyHeldByATaskOfAnotherTypeConflictsNamingTheKeyOnlyAndWritesNothing() throws Exception {
		UUID held = this.queue
			.enqueue(TaskRequest.builder("fail").key("shared-key").delay(Duration.ofHours(1)).build())
			.id();
		long rows = rows();
		MvcResult conflict = enqueue(
				"{\"type\": \"greet\", \"payload\": {\"name\": \"Mo\"}, \"key\": \"shared-key\"}");
		assertThat(conflict.getResponse().getStatus()).isEqualTo(409);
		assertThat(conflict.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		String problem = conflict.getResponse().getContentAsString(StandardCharsets.UTF_8);
		assertThat(body(conflict).get("detail").asString()).contains("shared-key");
		assertThat(problem).doesNotContain(held.toString()).doesNotContain("READY").doesNotContain("fail");
		MvcResult batch = this.mvc.perform(asClient(post(API + "/tasks:batch").contentType(MediaType.APPLICATION_JSON)
			.content("{\"tasks\": [{\"type\": \"greet\", \"payload\": {\"name\": \"No\"}, \"key\": \"shared-key\"}]}")))
			.andReturn();
		assertThat(batch.getResponse().getContentAsString(StandardCharsets.UTF_8)).doesNotContain(held.toString());
		JsonNode entry = body(batch).get("tasks").get(0);
		assertThat(entry.get("created").asBoolean()).isFalse();
		assertThat(entry.get("id").isNull()).isTrue();
		assertThat(entry.get("task").isNull()).isTrue();
		assertThat(rows()).isEqualTo(rows);
	}

	@Test
	void aKeyHeldByATaskOfTheSameTypeStillAnswersOkWithThatTask() throws Exception {
		String request = "{\"type\": \"greet\", \"payload\": {\"name\": \"Ny\"}, \"key\": \"same-type\", \"delay\": \"1h\"}";
		MvcResult first = enqueue(request);
		MvcResult again = enqueue(request);
		assertThat(again.getResponse().getStatus()).isEqualTo(200);
		assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
	}

	@Test
	void payloadFieldsAreMaskedAndResultsAreShownAsTheyAre() throws Exception {
		MvcResult created = enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Ola\", \"times\": 2}}");
		assertThat(body(created).get("payload").get("name").asString()).isEqualTo("***");
		assertThat(body(created).get("payload").get("times").asInt()).isEqualTo(2);
		String id = body(created).get("id").asString();
		MvcResult started = this.mvc.perform(asClient(get(API + "/tasks/" + id).param("wait", "30s"))).andReturn();
		JsonNode task = body(started.getRequest().isAsyncStarted() ? this.mvc.perform(asyncDispatch(started)).andReturn()
				: started);
		assertThat(task.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(task.get("payload").get("name").asString()).isEqualTo("***");
		assertThat(task.get("result").get("greeting").asString()).isEqualTo("Hello, Ola!!");
	}

	@Test
	void retryingATaskWhoseKeyAnotherUnfinishedTaskNowHoldsConflictsNamingTheKey() throws Exception {
		String request = "{\"type\": \"greet\", \"payload\": {\"name\": \"Pia\"}, \"key\": \"retry-key\", \"delay\": \"1h\"}";
		String first = body(enqueue(request)).get("id").asString();
		assertThat(status(post(API + "/tasks/" + first + "/cancel"))).isEqualTo(200);
		MvcResult second = enqueue(request);
		assertThat(second.getResponse().getStatus()).isEqualTo(201);
		MvcResult conflict = this.mvc.perform(asClient(post(API + "/tasks/" + first + "/retry"))).andReturn();
		assertThat(conflict.getResponse().getStatus()).isEqualTo(409);
		assertThat(conflict.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(body(conflict).get("detail").asString()).contains("retry-key");
		assertThat(this.queue.find(UUID.fromString(first)).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
	}

	private MvcResult enqueue(String body) throws Exception {
		return this.mvc
			.perform(asClient(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON).content(body)))
			.andReturn();
	}

	private int status(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(asClient(request)).andReturn().getResponse().getStatus();
	}

	private JsonNode body(MvcResult result) throws Exception {
		return this.json.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
	}

	private long rows() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM TQ_TASK", Long.class);
	}

	private static MockHttpServletRequestBuilder asClient(MockHttpServletRequestBuilder request) {
		return request.header(HttpHeaders.AUTHORIZATION, TaskQueueHttpApiTests.basic(HttpApiTestApplication.CLIENT,
				HttpApiTestApplication.PASSWORD));
	}

}

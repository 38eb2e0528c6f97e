package dev.taskqueue.http.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Tests for the HTTP API through MockMvc, behind Spring Security, on H2.
 */
@SpringBootTest(classes = HttpApiTestApplication.class,
		properties = { "spring.datasource.generate-unique-name=true", "taskqueue.http-api.enabled=true",
				"taskqueue.worker.poll-interval=100ms", "taskqueue.http-api.allowed-queues=urgent" })
@AutoConfigureMockMvc
class TaskQueueHttpApiTests {

	private static final String API = "/taskqueue-api/v1";

	private final JsonMapper json = new JsonMapper();

	@Autowired
	private MockMvc mvc;

	@Autowired
	private TaskQueue queue;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	private RequestMappingHandlerMapping mappings;

	@Test
	void enqueueAnswersCreatedWithTheLocationAndTheTaskThenReadingItShowsItsResult() throws Exception {
		MvcResult created = this.mvc.perform(asClient(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"type": "greet", "payload": {"name": "Ada", "times": 2}, "priority": 7, "retries": 1,
					 "timeout": "30s", "retryDelay": "2s"}
					"""))).andReturn();
		assertThat(created.getResponse().getStatus()).isEqualTo(201);
		JsonNode task = body(created);
		String id = task.get("id").asString();
		assertThat(created.getResponse().getHeader(HttpHeaders.LOCATION)).endsWith(API + "/tasks/" + id);
		assertThat(task.get("type").asString()).isEqualTo("greet");
		assertThat(task.get("priority").asInt()).isEqualTo(7);
		assertThat(task.get("payload").get("name").asString()).isEqualTo("Ada");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode read = body(this.mvc.perform(asClient(get(API + "/tasks/" + id))).andReturn());
			assertThat(read.get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(read.get("finished").asBoolean()).isTrue();
			assertThat(read.get("result").get("greeting").asString()).isEqualTo("Hello, Ada!!");
			assertThat(read.get("attempts").asInt()).isEqualTo(1);
			assertThat(read.get("finishedAt").isNull()).isFalse();
		});
	}

	@Test
	void aKeyHeldByAnUnfinishedTaskAnswersOkWithThatTaskAndWritesNothing() throws Exception {
		String request = """
				{"type": "greet", "payload": {"name": "Bo"}, "key": "greet-bo", "delay": "1h"}
				""";
		MvcResult first = enqueue(request);
		assertThat(first.getResponse().getStatus()).isEqualTo(201);
		long rows = rows();
		MvcResult again = enqueue(request);
		assertThat(again.getResponse().getStatus()).isEqualTo(200);
		assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
		assertThat(again.getResponse().getHeader(HttpHeaders.LOCATION))
			.isEqualTo(first.getResponse().getHeader(HttpHeaders.LOCATION));
		assertThat(rows()).isEqualTo(rows);
	}

	@Test
	void parentsQueueAndRunAtAreTakenFromTheRequest() throws Exception {
		String parent = body(enqueue("""
				{"type": "greet", "payload": {"name": "Cy"}, "delay": "1h"}
				""")).get("id").asString();
		JsonNode child = body(enqueue("""
				{"type": "greet", "payload": {"name": "Di"}, "queue": "urgent", "runAt": "2030-01-01T10:00:00+01:00",
				 "parents": ["%s"]}
				""".formatted(parent)));
		assertThat(child.get("status").asString()).isEqualTo("WAITING");
		assertThat(child.get("queue").asString()).isEqualTo("urgent");
		assertThat(child.get("parents").get(0).asString()).isEqualTo(parent);
		assertThat(child.get("runAt").asString()).isEqualTo("2030-01-01T09:00:00Z");
	}

	@Test
	void aDurationWithoutAUnitIsInSeconds() throws Exception {
		JsonNode task = body(enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Ev\"}, \"delay\": \"3600\"}"));
		Duration delay = Duration.between(Instant.parse(task.get("createdAt").asString()),
				Instant.parse(task.get("runAt").asString()));
		assertThat(delay).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void badRequestsAreRefusedNamingTheFieldAndWriteNothing() throws Exception {
		long rows = rows();
		assertRefused("{\"type\": \"nope\"}", "type", "Unknown task type 'nope'");
		assertRefused("{\"payload\": {}}", "type", "'type' is required");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": ", "body", "Malformed JSON");
		assertRefused("[1, 2]", "body", "must be a JSON object");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"prority\": 3}", "prority",
				"Unknown field 'prority'");
		assertRefused("{\"type\": \"greet\"}", "payload", "requires a payload");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\", \"times\": \"x\"}}", "payload", "times");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"priority\": \"high\"}", "priority",
				"'priority' must be a whole number");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"delay\": \"soon\"}", "delay",
				"'delay' must be a duration");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"delay\": \"1s\", \"runAt\": \"2030-01-01T00:00:00Z\"}",
				"runAt", "cannot both be set");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"heartbeat\": \"10ms\"}", "heartbeat",
				"'heartbeat' must be at least 100ms");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"retries\": -1}", "retries",
				"'retries' must not be negative");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"queue\": \"other\"}", "queue",
				"cannot be chosen over HTTP");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"parents\": [\"x\"]}", "parents[0]",
				"Invalid UUID");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"parents\": [\"" + UUID.randomUUID()
				+ "\"]}", "parents", "not found");
		assertRefused("{\"type\": \"greet\", \"payload\": {\"name\": \"Ed\"}, \"key\": \"" + "k".repeat(256) + "\"}",
				"key", "'key' must not be blank or longer than 255 characters");
		assertThat(rows()).isEqualTo(rows);
	}

	@Test
	void aBatchIsEnqueuedWhole() throws Exception {
		long rows = rows();
		MvcResult refused = this.mvc.perform(asClient(post(API + "/tasks:batch").contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"tasks": [{"type": "greet", "payload": {"name": "Fa"}}, {"type": "greet", "payload": {"name": 1, "times": []}}]}
					"""))).andReturn();
		assertThat(refused.getResponse().getStatus()).isEqualTo(400);
		assertThat(body(refused).get("field").asString()).isEqualTo("tasks[1].payload");
		assertThat(rows()).isEqualTo(rows);
		MvcResult batch = this.mvc.perform(asClient(post(API + "/tasks:batch").contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"tasks": [{"type": "greet", "payload": {"name": "Fa"}, "delay": "1h"},
					           {"type": "greet", "payload": {"name": "Ge"}, "delay": "1h", "priority": 3}]}
					"""))).andReturn();
		assertThat(batch.getResponse().getStatus()).isEqualTo(201);
		JsonNode tasks = body(batch).get("tasks");
		assertThat(tasks.size()).isEqualTo(2);
		assertThat(tasks.get(0).get("created").asBoolean()).isTrue();
		assertThat(tasks.get(1).get("task").get("priority").asInt()).isEqualTo(3);
		assertThat(rows()).isEqualTo(rows + 2);
	}

	@Test
	void anUnknownTaskIsNotFoundAndAMalformedIdIsABadRequest() throws Exception {
		UUID unknown = UUID.randomUUID();
		assertThat(status(asClient(get(API + "/tasks/" + unknown)))).isEqualTo(404);
		assertThat(status(asClient(get(API + "/tasks/" + unknown + "?wait=1s")))).isEqualTo(404);
		assertThat(status(asClient(post(API + "/tasks/" + unknown + "/cancel")))).isEqualTo(404);
		assertThat(status(asClient(post(API + "/tasks/" + unknown + "/retry")))).isEqualTo(404);
		MvcResult malformed = this.mvc.perform(asClient(get(API + "/tasks/42"))).andReturn();
		assertThat(malformed.getResponse().getStatus()).isEqualTo(400);
		assertThat(body(malformed).get("field").asString()).isEqualTo("id");
		String id = body(enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Hu\"}, \"delay\": \"1h\"}")).get("id")
			.asString();
		MvcResult badWait = this.mvc.perform(asClient(get(API + "/tasks/" + id + "?wait=forever"))).andReturn();
		assertThat(badWait.getResponse().getStatus()).isEqualTo(400);
		assertThat(body(badWait).get("field").asString()).isEqualTo("wait");
	}

	@Test
	void aLongPollAnswersAsSoonAsTheTaskFinishes() throws Exception {
		String id = body(enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Io\"}, \"delay\": \"500ms\"}"))
			.get("id")
			.asString();
		MvcResult started = this.mvc.perform(asClient(get(API + "/tasks/" + id).param("wait", "30s"))).andReturn();
		assertThat(started.getRequest().isAsyncStarted()).isTrue();
		JsonNode task = body(this.mvc.perform(asyncDispatch(started)).andReturn());
		assertThat(task.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(task.get("result").get("greeting").asString()).isEqualTo("Hello, Io!");
	}

	@Test
	void cancelAndRetryChangeTheTaskOrConflictWithItsStatus() throws Exception {
		String id = body(enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Jo\"}, \"delay\": \"1h\"}")).get("id")
			.asString();
		assertThat(status(asClient(post(API + "/tasks/" + id + "/retry")))).isEqualTo(409);
		MvcResult cancelled = this.mvc.perform(asClient(post(API + "/tasks/" + id + "/cancel"))).andReturn();
		assertThat(cancelled.getResponse().getStatus()).isEqualTo(200);
		assertThat(body(cancelled).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(status(asClient(post(API + "/tasks/" + id + "/cancel")))).isEqualTo(200);
		MvcResult retried = this.mvc.perform(asClient(post(API + "/tasks/" + id + "/retry"))).andReturn();
		assertThat(retried.getResponse().getStatus()).isEqualTo(200);
		assertThat(body(retried).get("status").asString()).isIn("READY", "RUNNING", "SUCCEEDED");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.queue.find(UUID.fromString(id)).orElseThrow().status() == TaskStatus.SUCCEEDED);
		MvcResult conflict = this.mvc.perform(asClient(post(API + "/tasks/" + id + "/cancel"))).andReturn();
		assertThat(conflict.getResponse().getStatus()).isEqualTo(409);
		assertThat(body(conflict).get("detail").asString()).contains("SUCCEEDED");
	}

	@Test
	void aFailedTaskShowsItsErrorAndIsRetried() throws Exception {
		UUID id = this.queue.enqueue(TaskRequest.of("fail", null)).id();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.queue.find(id).orElseThrow().status() == TaskStatus.FAILED);
		JsonNode failed = body(this.mvc.perform(asClient(get(API + "/tasks/" + id))).andReturn());
		assertThat(failed.get("error").asString()).isEqualTo("Failed on purpose");
		assertThat(failed.get("errors").get(0).get("message").asString()).isEqualTo("Failed on purpose");
		assertThat(failed.has("errorDetail")).isFalse();
		assertThat(status(asClient(post(API + "/tasks/" + id + "/retry")))).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.find(id).orElseThrow().attempts() == 2);
	}

	@Test
	void callsWithoutAuthenticationOrWithoutTheRoleAreRefusedAndWriteNothing() throws Exception {
		long rows = rows();
		String request = "{\"type\": \"greet\", \"payload\": {\"name\": \"Ka\"}}";
		assertThat(status(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON).content(request)))
			.isEqualTo(401);
		assertThat(status(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON)
			.content(request)
			.header(HttpHeaders.AUTHORIZATION, basic(HttpApiTestApplication.CLIENT, "wrong")))).isEqualTo(401);
		assertThat(status(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON)
			.content(request)
			.header(HttpHeaders.AUTHORIZATION, basic(HttpApiTestApplication.OTHER, HttpApiTestApplication.PASSWORD))))
			.isEqualTo(403);
		assertThat(status(get(API + "/tasks/" + UUID.randomUUID()))).isEqualTo(401);
		assertThat(status(get(API + "/openapi.json"))).isEqualTo(401);
		assertThat(rows()).isEqualTo(rows);
	}

	@Test
	void theApiIsStatelessAndNeedsNoCsrfToken() throws Exception {
		MvcResult created = enqueue("{\"type\": \"greet\", \"payload\": {\"name\": \"Lu\"}, \"delay\": \"1h\"}");
		assertThat(created.getResponse().getStatus()).isEqualTo(201);
		assertThat(created.getRequest().getSession(false)).isNull();
		assertThat(created.getResponse().getHeader(HttpHeaders.SET_COOKIE)).isNull();
	}

	@Test
	void theOpenApiDescriptionDescribesEveryHandlerOfTheApiAndNoOther() throws Exception {
		JsonNode openApi = body(this.mvc.perform(asClient(get(API + "/openapi.json"))).andReturn());
		assertThat(openApi.get("openapi").asString()).startsWith("3.1");
		String server = openApi.get("servers").get(0).get("url").asString();
		assertThat(server).isEqualTo(API);
		Set<String> described = new HashSet<>();
		openApi.get("paths").properties().forEach((path) -> path.getValue()
			.propertyNames()
			.forEach((method) -> described.add(method.toUpperCase() + " " + server + path.getKey())));
		Set<String> mapped = new HashSet<>();
		this.mappings.getHandlerMethods().forEach((RequestMappingInfo info, HandlerMethod method) -> {
			if (method.getBeanType() == TaskQueueHttpApiController.class) {
				info.getPatternValues()
					.forEach((pattern) -> info.getMethodsCondition()
						.getMethods()
						.forEach((httpMethod) -> mapped.add(httpMethod.name() + " " + pattern)));
			}
		});
		assertThat(mapped).hasSize(6);
		assertThat(described).isEqualTo(mapped);
	}

	private void assertRefused(String body, String field, String reason) throws Exception {
		MvcResult result = enqueue(body);
		assertThat(result.getResponse().getStatus()).as(body).isEqualTo(400);
		assertThat(result.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		JsonNode problem = body(result);
		assertThat(problem.get("field").asString()).as(body).isEqualTo(field);
		assertThat(problem.get("detail").asString()).as(body).contains(reason);
	}

	private MvcResult enqueue(String body) throws Exception {
		return this.mvc
			.perform(asClient(post(API + "/tasks").contentType(MediaType.APPLICATION_JSON).content(body)))
			.andReturn();
	}

	private int status(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(request).andReturn().getResponse().getStatus();
	}

	private JsonNode body(MvcResult result) throws Exception {
		return this.json.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
	}

	private long rows() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM TQ_TASK", Long.class);
	}

	private static MockHttpServletRequestBuilder asClient(MockHttpServletRequestBuilder request) {
		return request.header(HttpHeaders.AUTHORIZATION,
				basic(HttpApiTestApplication.CLIENT, HttpApiTestApplication.PASSWORD));
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}

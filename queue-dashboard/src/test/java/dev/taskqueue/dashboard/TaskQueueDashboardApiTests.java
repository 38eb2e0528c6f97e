package dev.taskqueue.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.testsupport.TestDatabases;

import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The dashboard's JSON API on H2, behind Spring Security: every endpoint, its refusals, and
 * the audit trail of every action.
 */
class TaskQueueDashboardApiTests {

	private static final Instant LATER = Instant.now().plus(Duration.ofDays(1));

	private static final JsonMapper json = JsonMapper.builder().build();

	private final DataSource dataSource = TestDatabases.h2();

	private final String tablePrefix = DashboardTestApplication.tablePrefix();

	@AfterEach
	void dropSchema() {
		TestDatabases.dropSchema(this.dataSource, "h2", this.tablePrefix);
	}

	@Test
	void unauthenticatedCallersAreRefusedReadsAndActions() {
		run((context, mvc, queue) -> {
			mvc.perform(get("/taskqueue/api/me")).andExpect(status().isUnauthorized());
			mvc.perform(get("/taskqueue/api/tasks")).andExpect(status().isUnauthorized());
			UUID id = later(queue, "echo", "x");
			mvc.perform(post("/taskqueue/api/tasks/" + id + "/cancel").with(csrf())).andExpect(status().isUnauthorized());
			mvc.perform(post("/taskqueue/api/tasks/" + id + "/cancel")).andExpect(status().isForbidden());
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		});
	}

	@Test
	void aUserWithNeitherRoleIsRefused() {
		run((context, mvc, queue) -> mvc.perform(get("/taskqueue/api/me").with(user("nobody")))
			.andExpect(status().isForbidden()));
	}

	@Test
	void aViewerReadsButItsActionsAreRefused() {
		run((context, mvc, queue) -> {
			mvc.perform(get("/taskqueue/api/me").with(user("vera")))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.user").value("vera"))
				.andExpect(jsonPath("$.operator").value(false))
				.andExpect(jsonPath("$.payloads").value("mask"))
				.andExpect(jsonPath("$.pollMillis").value(2000));
			UUID id = later(queue, "echo", "x");
			mvc.perform(get("/taskqueue/api/tasks/" + id).with(user("vera"))).andExpect(status().isOk());
			mvc.perform(post("/taskqueue/api/tasks/" + id + "/cancel").with(user("vera")).with(csrf()))
				.andExpect(status().isForbidden());
			mvc.perform(bulk("vera", Map.of("action", "cancel", "ids", List.of(id.toString()))))
				.andExpect(status().isForbidden());
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
			assertThat(auditEntries(mvc)).isEmpty();
		});
	}

	@Test
	void anOperatorsActionWithoutTheCsrfTokenIsRefused() {
		run((context, mvc, queue) -> {
			UUID id = later(queue, "echo", "x");
			mvc.perform(post("/taskqueue/api/tasks/" + id + "/cancel").with(user("otto")))
				.andExpect(status().isForbidden());
			assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.READY);
		});
	}

	@Test
	void theCsrfTokenIsSentAsACookieTheScriptsCanRead() {
		run((context, mvc, queue) -> mvc.perform(get("/taskqueue/api/me").with(user("otto")))
			.andExpect(cookie().exists("XSRF-TOKEN"))
			.andExpect(cookie().httpOnly("XSRF-TOKEN", false)));
	}

	@Test
	void anOperatorRetriesAFailedTaskAndCancelsAReadyOneAndEachActionIsAudited() {
		run((context, mvc, queue) -> {
			UUID failed = queue.enqueue("boom", "f").id();
			awaitStatus(queue, failed, TaskStatus.FAILED);
			mvc.perform(action("otto", "/taskqueue/api/tasks/" + failed + "/retry"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.changed").value(1));
			awaitStatus(queue, failed, TaskStatus.FAILED);
			UUID ready = later(queue, "echo", "r");
			mvc.perform(action("otto", "/taskqueue/api/tasks/" + ready + "/cancel"))
				.andExpect(jsonPath("$.changed").value(1));
			mvc.perform(action("otto", "/taskqueue/api/tasks/" + ready + "/cancel"))
				.andExpect(jsonPath("$.changed").value(0));
			assertThat(queue.find(ready).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
			mvc.perform(action("otto", "/taskqueue/api/tasks/" + UUID.randomUUID() + "/cancel"))
				.andExpect(status().isNotFound())
				.andExpect(jsonPath("$.error").value(containsString("not found")));
			List<JsonNode> audit = auditEntries(mvc);
			assertThat(audit).hasSize(3);
			assertThat(audit.get(2).get("user").asString()).isEqualTo("otto");
			assertThat(audit.get(2).get("action").asString()).isEqualTo("task.retry");
			assertThat(audit.get(2).get("target").asString()).isEqualTo(failed.toString());
			assertThat(audit.get(2).get("tasks").asInt()).isOne();
			assertThat(audit.get(2).get("at").asString()).endsWith("Z");
			assertThat(audit.get(0).get("action").asString()).isEqualTo("task.cancel");
			assertThat(audit.get(0).get("tasks").asInt()).isZero();
		});
	}

	@Test
	void taskListsArePagedByCursorAndEveryTaskIsListedOnce() {
		run((context, mvc, queue) -> {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 7; i++) {
				ids.add(0, later(queue, "echo", "e" + i).toString());
			}
			later(queue, "boom", "b");
			List<String> listed = new ArrayList<>();
			String cursor = "";
			int pages = 0;
			do {
				JsonNode page = read(mvc, "/taskqueue/api/tasks?type=echo&status=READY&limit=3&cursor=" + cursor);
				page.get("items").forEach((task) -> listed.add(task.get("id").asString()));
				// Read to its end or to its size, so not cut short
				assertThat(page.get("scannedTo").isNull()).isTrue();
				cursor = page.get("next").isNull() ? null : page.get("next").asString();
				pages++;
			}
			while (cursor != null);
			assertThat(pages).isEqualTo(3);
			assertThat(listed).containsExactlyElementsOf(ids);
			mvc.perform(get("/taskqueue/api/tasks?queue=default&limit=1").with(user("vera")))
				.andExpect(jsonPath("$.items[0].type").value("boom"))
				.andExpect(jsonPath("$.items[0].status").value("READY"))
				.andExpect(jsonPath("$.items[0].queue").value("default"))
				.andExpect(jsonPath("$.items[0].attempts").value(0))
				.andExpect(jsonPath("$.items[0].runAt").value(containsString("T")))
				.andExpect(jsonPath("$.items[0].progress").isEmpty())
				.andExpect(jsonPath("$.items[0].finishedAt").isEmpty());
		});
	}

	@Test
	void filterTextThatLooksLikeSqlMatchesNothing() {
		run((context, mvc, queue) -> {
			later(queue, "echo", "e");
			mvc.perform(get("/taskqueue/api/tasks").param("type", "x' OR '1'='1").with(user("vera")))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.items", hasSize(0)));
			mvc.perform(get("/taskqueue/api/tasks").param("queue", "default' OR 1=1 --").with(user("vera")))
				.andExpect(jsonPath("$.items", hasSize(0)));
			mvc.perform(get("/taskqueue/api/tasks").with(user("vera"))).andExpect(jsonPath("$.items", hasSize(1)));
		});
	}

	@Test
	void badFiltersCursorsAndLimitsAreRefusedNamingTheCulprit() {
		run((context, mvc, queue) -> {
			expectBadRequest(mvc, "/taskqueue/api/tasks?status=DONE", "Unknown status 'DONE'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?limit=0", "'limit'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?limit=201", "'limit'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?cursor=abc", "'cursor'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?job=42", "'job'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?from=yesterday", "'from'");
			expectBadRequest(mvc, "/taskqueue/api/tasks?from=2026-12-03T10:00:00Z&to=2026-12-03T09:00:00Z", "'from'");
			expectBadRequest(mvc, "/taskqueue/api/jobs?status=DONE", "Unknown job status 'DONE'");
			expectBadRequest(mvc, "/taskqueue/api/tasks/nope", "'id'");
			mvc.perform(get("/taskqueue/api/tasks/" + UUID.randomUUID()).with(user("vera")))
				.andExpect(status().isNotFound());
		});
	}

	@Test
	void aTasksDetailMasksPayloadFieldsAndListsItsErrorsParentsAndChildren() {
		run((context, mvc, queue) -> {
			TaskRef login = queue.enqueue(TaskRequest.builder("login")
				.payload(Map.of("user", "ada", "password", "hunter2", "nested", Map.of("Token", "t")))
				.runAt(LATER)
				.build());
			mvc.perform(get("/taskqueue/api/tasks/" + login.id()).with(user("vera")))
				.andExpect(jsonPath("$.payload.user").value("ada"))
				.andExpect(jsonPath("$.payload.password").value("***"))
				.andExpect(jsonPath("$.payload.nested.Token").value("***"))
				.andExpect(jsonPath("$.result").isEmpty())
				.andExpect(jsonPath("$.options").isMap());
			UUID parent = queue.enqueue("boom", "p").id();
			awaitStatus(queue, parent, TaskStatus.FAILED);
			UUID child = queue.enqueue(TaskRequest.builder("echo").payload("c").after(parent).build()).id();
			mvc.perform(get("/taskqueue/api/tasks/" + parent).with(user("vera")))
				.andExpect(jsonPath("$.status").value("FAILED"))
				.andExpect(jsonPath("$.errorMessage").value(containsString("Boom: p")))
				.andExpect(jsonPath("$.errors[0].attempt").value(1))
				.andExpect(jsonPath("$.errors[0].message").value(containsString("Boom: p")))
				.andExpect(jsonPath("$.children[0].id").value(child.toString()))
				.andExpect(jsonPath("$.children[0].status").value("WAITING"));
			mvc.perform(get("/taskqueue/api/tasks/" + child + "/flow").with(user("vera")))
				.andExpect(jsonPath("$.nodes", hasSize(2)))
				.andExpect(jsonPath("$.edges[0].from").value(parent.toString()))
				.andExpect(jsonPath("$.edges[0].to").value(child.toString()))
				.andExpect(jsonPath("$.edges[0].evenIfFailed").value(false))
				.andExpect(jsonPath("$.truncated").value(false));
		});
	}

	@Test
	void jobsAreListedWithTheirCountsAndAnOperatorCancelsAndRetriesOne() {
		run((context, mvc, queue) -> {
			JobRef job = queue.startJob(JobRequest.builder("nightly")
				.task(TaskRequest.builder("echo").payload("a").runAt(LATER).build())
				.task(TaskRequest.builder("echo").payload("b").runAt(LATER).build())
				.build());
			mvc.perform(get("/taskqueue/api/jobs").with(user("vera")))
				.andExpect(jsonPath("$.items[0].id").value(job.id().toString()))
				.andExpect(jsonPath("$.items[0].name").value("nightly"))
				.andExpect(jsonPath("$.items[0].status").value("RUNNING"))
				.andExpect(jsonPath("$.items[0].total").value(2))
				.andExpect(jsonPath("$.items[0].ready").value(2))
				.andExpect(jsonPath("$.items[0].progress").value(0.0))
				.andExpect(jsonPath("$.next").isEmpty());
			mvc.perform(action("otto", "/taskqueue/api/jobs/" + job.id() + "/cancel"))
				.andExpect(jsonPath("$.changed").value(1));
			mvc.perform(get("/taskqueue/api/jobs/" + job.id()).with(user("vera")))
				.andExpect(jsonPath("$.status").value("CANCELLED"))
				.andExpect(jsonPath("$.cancelled").value(2))
				.andExpect(jsonPath("$.result").isEmpty());
			mvc.perform(action("otto", "/taskqueue/api/jobs/" + job.id() + "/retry"))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.error").isNotEmpty());
			mvc.perform(get("/taskqueue/api/tasks?job=" + job.id()).with(user("vera")))
				.andExpect(jsonPath("$.items", hasSize(2)));
			mvc.perform(get("/taskqueue/api/jobs/" + UUID.randomUUID()).with(user("vera")))
				.andExpect(status().isNotFound());
			assertThat(auditEntries(mvc)).extracting((entry) -> entry.get("action").asString())
				.containsExactly("job.cancel");
		});
	}

	@Test
	void theOverviewHasTheQueuesTheLiveNodesAndAnHourOfThroughputByMinute() {
		run((context, mvc, queue) -> {
			UUID done = queue.enqueue("echo", "d").id();
			awaitStatus(queue, done, TaskStatus.SUCCEEDED);
			later(queue, "echo", "l");
			JsonNode overview = read(mvc, "/taskqueue/api/overview");
			assertThat(overview.get("now").asString()).endsWith("Z");
			JsonNode defaultQueue = overview.get("queues").get(0);
			assertThat(defaultQueue.get("queue").asString()).isEqualTo("default");
			assertThat(defaultQueue.get("ready").asLong()).isOne();
			assertThat(defaultQueue.get("oldestDueAgeMillis").isNull()).isTrue();
			assertThat(overview.get("nodes")).hasSize(1);
			assertThat(overview.get("nodes").get(0).get("lanes").asString()).contains("default");
			JsonNode throughput = overview.get("throughput");
			assertThat(throughput.get("bucketSeconds").asInt()).isEqualTo(60);
			assertThat(throughput.get("buckets")).hasSize(60);
			long succeeded = 0;
			for (JsonNode bucket : throughput.get("buckets")) {
				succeeded += bucket.get("succeeded").asLong();
			}
			assertThat(succeeded).isOne();
		});
	}

	@Test
	void theFiltersListTheKnownTypesAndQueues() {
		run((context, mvc, queue) -> mvc.perform(get("/taskqueue/api/filters").with(user("vera")))
			.andExpect(jsonPath("$.types").value(org.hamcrest.Matchers.contains("boom", "echo", "login")))
			.andExpect(jsonPath("$.queues").value(org.hamcrest.Matchers.contains("default"))));
	}

	@Test
	void aBulkCancelByFilterCancelsExactlyTheMatchingTasksInBatches() {
		run((context, mvc, queue) -> {
			int matching = DashboardActions.BATCH_SIZE + 50;
			queue.enqueueAll(IntStream.range(0, matching)
				.mapToObj((i) -> TaskRequest.builder("echo").payload("m" + i).runAt(LATER).build())
				.toList());
			List<UUID> others = List.of(later(queue, "boom", "o1"),
					queue.enqueue(TaskRequest.builder("echo").payload("o2").queue("mail").runAt(LATER).build()).id());
			mvc.perform(bulk("otto",
					Map.of("action", "cancel", "filter", Map.of("type", "echo", "queue", "default", "status", "READY"))))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.matched").value(matching))
				.andExpect(jsonPath("$.changed").value(matching))
				.andExpect(jsonPath("$.truncated").value(false));
			mvc.perform(get("/taskqueue/api/tasks?status=CANCELLED&limit=200").with(user("vera")))
				.andExpect(jsonPath("$.items", hasSize(200)))
				.andExpect(jsonPath("$.next").isNotEmpty());
			for (UUID other : others) {
				assertThat(queue.find(other).orElseThrow().status()).isEqualTo(TaskStatus.READY);
			}
			JsonNode entry = auditEntries(mvc).get(0);
			assertThat(entry.get("action").asString()).isEqualTo("bulk.cancel");
			assertThat(entry.get("tasks").asInt()).isEqualTo(matching);
			assertThat(entry.get("target").asString()).contains("status=READY", "type=echo", "queue=default");
		});
	}

	@Test
	void aBulkRetryByIdsRetriesTheFailedOnesAndCountsTheRest() {
		run((context, mvc, queue) -> {
			UUID failed = queue.enqueue("boom", "f").id();
			awaitStatus(queue, failed, TaskStatus.FAILED);
			UUID ready = later(queue, "echo", "r");
			mvc.perform(bulk("otto",
					Map.of("action", "retry", "ids", List.of(failed.toString(), ready.toString(), UUID.randomUUID().toString()))))
				.andExpect(jsonPath("$.matched").value(2))
				.andExpect(jsonPath("$.changed").value(1));
			JsonNode entry = auditEntries(mvc).get(0);
			assertThat(entry.get("action").asString()).isEqualTo("bulk.retry");
			assertThat(entry.get("detail").asString()).contains(failed.toString());
		});
	}

	@Test
	void badBulkRequestsAreRefusedAndChangeNothing() {
		run((context, mvc, queue) -> {
			UUID ready = later(queue, "echo", "r");
			expectBadBulk(mvc, Map.of("action", "delete", "ids", List.of(ready.toString())), "Unknown action 'delete'");
			expectBadBulk(mvc, Map.of("action", "cancel"), "either 'ids' or 'filter'");
			expectBadBulk(mvc, Map.of("action", "cancel", "ids", List.of("x")), "'ids'");
			expectBadBulk(mvc, Map.of("action", "cancel", "filter", Map.of("kind", "x")), "Unknown filter 'kind'");
			expectBadBulk(mvc, Map.of("action", "cancel", "filter", Map.of("status", "x' OR 1=1")), "Unknown status");
			expectBadBulk(mvc, Map.of("action", "cancel", "ids", List.of(ready.toString(), " ")), "'ids'");
			expectBadBulk(mvc, Map.of("action", "cancel", "filter", Map.of()), "'filter'");
			expectBadBulk(mvc, Map.of("action", "cancel", "ids", "hunter2"), "'ids'");
			mvc.perform(post("/taskqueue/api/tasks/bulk").with(user("otto"))
				.with(csrf())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\": \"cancel\", \"ids\": [hunter2]}"))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.error").value(containsString("not the JSON expected")))
				.andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.not(containsString("hunter2"))));
			assertThat(queue.find(ready).orElseThrow().status()).isEqualTo(TaskStatus.READY);
			assertThat(auditEntries(mvc)).isEmpty();
		});
	}

	@Test
	void aDatabaseOutOfReachIsAnswered503WithoutTheDriversMessage() {
		run((context, mvc, queue) -> {
			new org.springframework.jdbc.core.JdbcTemplate(this.dataSource).execute("DROP TABLE " + this.tablePrefix + "AUDIT");
			mvc.perform(get("/taskqueue/api/audit").with(user("vera")))
				.andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.error").value(containsString("cannot be reached")))
				.andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.not(containsString("AUDIT"))));
		});
	}

	@Test
	void thePageIsServedAtThePathWithATrailingSlashAndItsAssetsBelowIt() {
		run((context, mvc, queue) -> {
			mvc.perform(get("/taskqueue").with(user("vera"))).andExpect(redirectedUrl("/taskqueue/"));
			mvc.perform(get("/taskqueue/assets/test-fixture.css").with(user("vera")))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("dashboard's assets")));
			mvc.perform(get("/taskqueue/assets/test-fixture.css")).andExpect(status().is4xxClientError());
		});
	}

	@Test
	void anotherPathMovesTheDashboardAndItsGuard() {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.withPropertyValues("taskqueue.dashboard.path=/ops/queue")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				mvc.perform(get("/ops/queue/api/me").with(user("vera"))).andExpect(status().isOk());
				mvc.perform(get("/ops/queue/api/me")).andExpect(status().isUnauthorized());
				mvc.perform(get("/taskqueue/api/me").with(user("vera"))).andExpect(status().isNotFound());
			});
	}

	private void run(DashboardTest test) {
		DashboardTestApplication.contextRunner(this.dataSource, this.tablePrefix)
			.run((ContextConsumer<AssertableWebApplicationContext>) (context) -> {
				assertThat(context).hasNotFailed();
				test.run(context, mvc(context), context.getBean(TaskQueue.class));
			});
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
	}

	private static UUID later(TaskQueue queue, String type, String payload) {
		return queue.enqueue(TaskRequest.builder(type).payload(payload).runAt(LATER).build()).id();
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor user(String name) {
		return httpBasic(name, DashboardTestApplication.PASSWORD);
	}

	private static MockHttpServletRequestBuilder action(String user, String path) {
		return post(path).with(user(user)).with(csrf());
	}

	private static MockHttpServletRequestBuilder bulk(String user, Map<String, Object> body) {
		return post("/taskqueue/api/tasks/bulk").with(user(user))
			.with(csrf())
			.contentType(MediaType.APPLICATION_JSON)
			.content(json.writeValueAsString(body));
	}

	private static JsonNode read(MockMvc mvc, String path) throws Exception {
		String body = mvc.perform(get(path).with(user("vera")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return json.readTree(body);
	}

	private static List<JsonNode> auditEntries(MockMvc mvc) throws Exception {
		List<JsonNode> entries = new ArrayList<>();
		read(mvc, "/taskqueue/api/audit").get("items").forEach(entries::add);
		return entries;
	}

	private static void expectBadRequest(MockMvc mvc, String path, String message) throws Exception {
		mvc.perform(get(path).with(user("vera")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value(containsString(message)));
	}

	private static void expectBadBulk(MockMvc mvc, Map<String, Object> body, String message) throws Exception {
		mvc.perform(bulk("otto", body))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value(containsString(message)));
	}

	@FunctionalInterface
	interface DashboardTest {

		void run(AssertableWebApplicationContext context, MockMvc mvc, TaskQueue queue) throws Exception;

	}

}

package dev.taskqueue.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskError;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP tasks against a real server on localhost, through the engine and the store of every
 * supported database: success, retries by status and Retry-After, failures at once, timeouts,
 * signatures, per-target limits, the circuit breaker, and credentials kept out of sight. Each
 * database's subclass supplies a DataSource.
 */
abstract class HttpTasksContractTests {

	private static final String TOKEN = "Bearer s3cr3t-t0ken-4242";

	private static final String SECRET = "whsec-current-9f8e7d";

	private static final String OLD_SECRET = "whsec-previous-1a2b3c";

	private TestNodes nodes;

	private TestServer server;

	private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();

	protected abstract DataSource dataSource();

	@BeforeEach
	void start() throws Exception {
		this.nodes = new TestNodes(dataSource());
		this.server = new TestServer();
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
	}

	@AfterEach
	void stop() {
		this.latches.forEach(CountDownLatch::countDown);
		this.nodes.close();
		this.server.close();
	}

	@Test
	void successSendsThePayloadToTheUrlItNamesAndKeepsTheResponseAsResult() {
		this.server.on("/customers/a%20b%2Fc/hook",
				(request) -> new TestServer.Reply(201, Map.of("X-Request-Id", "r-1", "Content-Type", "application/json"),
						"{\"accepted\":true}"));
		TaskQueue queue = start(HttpTaskDefinition.builder("hook", this.server.url("/customers/{customer.id}/hook"))
			.responseHeaders(List.of("X-Request-Id")));
		TaskRef task = queue.enqueue("hook", Map.of("customer", Map.of("id", "a b/c"), "amount", 12));
		TaskState state = awaitStatus(queue, task.id(), TaskStatus.SUCCEEDED);
		HttpTaskResult result = state.result(HttpTaskResult.class);
		assertThat(result.status()).isEqualTo(201);
		assertThat(result.headers()).containsExactly(Map.entry("X-Request-Id", "r-1"));
		assertThat(result.body()).isEqualTo("{\"accepted\":true}");
		assertThat(result.truncated()).isFalse();
		TestServer.Request request = this.server.requests("/customers/a%20b%2Fc/hook").get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.header("Idempotency-Key")).isEqualTo(task.id().toString());
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		assertThat(request.bodyText()).contains("\"amount\":12").contains("\"id\":\"a b/c\"");
	}

	@Test
	void longBodyIsCutToTheConfiguredSize() {
		this.server.on("/long", (request) -> TestServer.Reply.of(200, "x".repeat(100)));
		TaskQueue queue = start(HttpTaskDefinition.builder("long", this.server.url("/long")).maxResponseBody(10));
		HttpTaskResult result = awaitStatus(queue, queue.enqueue("long", null).id(), TaskStatus.SUCCEEDED)
			.result(HttpTaskResult.class);
		assertThat(result.body()).isEqualTo("x".repeat(10));
		assertThat(result.truncated()).isTrue();
	}

	@Test
	void serviceUnavailableIsRetriedUntilSuccessKeepingEachAttemptsStatusLatencyAndBody() {
		AtomicInteger calls = new AtomicInteger();
		this.server.on("/flaky", (request) -> (calls.incrementAndGet() <= 2) ? TestServer.Reply.of(503, "down for now")
				: TestServer.Reply.of(200, "ok"));
		TaskQueue queue = start(HttpTaskDefinition.builder("flaky", this.server.url("/flaky")));
		TaskState state = awaitStatus(queue, enqueue(queue, "flaky", retries(3, Duration.ofMillis(50))).id(),
				TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isEqualTo(3);
		assertThat(state.errors()).hasSize(2).allSatisfy((error) -> assertThat(error.message())
			.matches("HTTP 503 from POST http://127\\.0\\.0\\.1:\\d+/flaky in \\d+ ms: down for now"));
		assertThat(this.server.requests("/flaky")).extracting((request) -> request.header("Idempotency-Key"))
			.containsOnly(state.id().toString());
	}

	@Test
	void retryAfterInSecondsOrAsADateSetsTheNextAttemptCappedByTheMaxDelay() {
		this.server.on("/seconds", (request) -> reply429Once(request, "/seconds", "1"));
		// In whole seconds: 2 to 3 seconds from the first call
		this.server.on("/date", (request) -> reply429Once(request, "/date",
				DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3))));
		this.server.on("/far", (request) -> reply429Once(request, "/far", "86400"));
		TaskQueue queue = start(HttpTaskDefinition.builder("seconds", this.server.url("/seconds")),
				HttpTaskDefinition.builder("date", this.server.url("/date")),
				HttpTaskDefinition.builder("far", this.server.url("/far")));
		TaskOptions quickRetries = retries(2, Duration.ofMillis(10));
		TaskRef seconds = enqueue(queue, "seconds", quickRetries);
		TaskRef dated = enqueue(queue, "date", quickRetries);
		TaskRef far = enqueue(queue, "far", new TaskOptions(null, null, 2, Duration.ofMillis(10), 1.0,
				Duration.ofMillis(500), 0.0));
		awaitStatus(queue, seconds.id(), TaskStatus.SUCCEEDED);
		awaitStatus(queue, dated.id(), TaskStatus.SUCCEEDED);
		awaitStatus(queue, far.id(), TaskStatus.SUCCEEDED);
		assertThat(gap("/seconds")).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
		assertThat(gap("/date")).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
		assertThat(gap("/far")).isLessThan(Duration.ofSeconds(10));
	}

	private final Map<String, List<Instant>> arrivals = new java.util.concurrent.ConcurrentHashMap<>();

	private TestServer.Reply reply429Once(TestServer.Request request, String path, String retryAfter) {
		List<Instant> times = this.arrivals.computeIfAbsent(path, (key) -> new CopyOnWriteArrayList<>());
		times.add(Instant.now());
		return (times.size() == 1) ? new TestServer.Reply(429, Map.of("Retry-After", retryAfter), "slow down")
				: TestServer.Reply.of(200, "ok");
	}

	private Duration gap(String path) {
		List<Instant> times = this.arrivals.get(path);
		return Duration.between(times.get(0), times.get(1));
	}

	@Test
	void clientErrorFailsAtOnceWhateverRetriesAreLeft() {
		this.server.on("/invalid", (request) -> TestServer.Reply.of(400, "amount is missing"));
		TaskQueue queue = start(HttpTaskDefinition.builder("invalid", this.server.url("/invalid")));
		TaskState state = awaitStatus(queue, enqueue(queue, "invalid", retries(3, Duration.ofMillis(10))).id(),
				TaskStatus.FAILED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errorMessage()).startsWith("HTTP 400 from POST").endsWith(": amount is missing");
	}

	@Test
	void urlValueMissingFromThePayloadFailsAtOnceNamingTheTypeAndTheField() {
		TaskQueue queue = start(HttpTaskDefinition.builder("customer-hook", this.server.url("/c/{customerId}")));
		TaskState state = awaitStatus(queue,
				enqueue(queue, "customer-hook", Map.of("name", "x"), retries(3, Duration.ofMillis(10))).id(),
				TaskStatus.FAILED);
		assertThat(state.attempts()).isOne();
		assertThat(state.errorMessage()).contains("'customer-hook'").contains("'customerId'");
		assertThat(this.server.requests("/c/x")).isEmpty();
	}

	@Test
	void timeoutIsRetried() {
		CountDownLatch hang = latch();
		AtomicInteger calls = new AtomicInteger();
		this.server.on("/slow", (request) -> {
			if (calls.incrementAndGet() == 1) {
				hang.await();
			}
			return TestServer.Reply.of(200, "ok");
		});
		TaskQueue queue = start(
				HttpTaskDefinition.builder("slow", this.server.url("/slow")).timeout(Duration.ofMillis(300)));
		TaskState state = awaitStatus(queue, enqueue(queue, "slow", retries(1, Duration.ofMillis(10))).id(),
				TaskStatus.SUCCEEDED);
		assertThat(state.attempts()).isEqualTo(2);
		assertThat(state.errors()).extracting(TaskError::message)
			.singleElement()
			.asString()
			.contains("failed after")
			.contains("HttpTimeoutException");
	}

	@Test
	void targetThatNeverAnswersDoesNotHoldTheSlotPastTheTimeout() {
		CountDownLatch never = latch();
		this.server.on("/never", (request) -> {
			never.await();
			return TestServer.Reply.of(200, "too late");
		});
		TaskQueue queue = start((builder) -> builder.concurrency(1),
				HttpTaskDefinition.builder("never", this.server.url("/never")).timeout(Duration.ofMillis(500)));
		TaskRef hanging = queue.enqueue("never", null);
		await().atMost(WAIT).until(() -> !this.server.requests("/never").isEmpty());
		Instant called = Instant.now();
		TaskRef next = queue.enqueue("echo", "next");
		awaitStatus(queue, next.id(), TaskStatus.SUCCEEDED);
		assertThat(Duration.between(called, Instant.now())).isLessThan(Duration.ofSeconds(5));
		TaskState failed = awaitStatus(queue, hanging.id(), TaskStatus.FAILED);
		assertThat(failed.errorMessage()).contains("HttpTimeoutException");
	}

	@Test
	void receiverVerifiesTheSignatureWithTheDocumentedVerifierAlsoDuringARotation() {
		List<Boolean> withCurrent = new CopyOnWriteArrayList<>();
		List<Boolean> withPrevious = new CopyOnWriteArrayList<>();
		List<Boolean> withOther = new CopyOnWriteArrayList<>();
		this.server.on("/signed", (request) -> {
			String timestamp = request.header("X-TaskQueue-Timestamp");
			String signature = request.header("X-TaskQueue-Signature");
			Duration tolerance = Duration.ofMinutes(5);
			withCurrent.add(WebhookSignature.verify(SECRET, timestamp, signature, request.body(), tolerance));
			withPrevious.add(WebhookSignature.verify(OLD_SECRET, timestamp, signature, request.body(), tolerance));
			withOther.add(WebhookSignature.verify("whsec-other", timestamp, signature, request.body(), tolerance));
			return TestServer.Reply.of(204, "");
		});
		TaskQueue queue = start(HttpTaskDefinition.builder("signed", this.server.url("/signed")).secrets(List.of(SECRET)),
				HttpTaskDefinition.builder("rotating", this.server.url("/signed"))
					.secrets(List.of(SECRET, OLD_SECRET)));
		awaitStatus(queue, queue.enqueue("signed", Map.of("event", "paid")).id(), TaskStatus.SUCCEEDED);
		awaitStatus(queue, queue.enqueue("rotating", Map.of("event", "paid")).id(), TaskStatus.SUCCEEDED);
		assertThat(withCurrent).containsExactly(true, true);
		assertThat(withPrevious).containsExactly(false, true);
		assertThat(withOther).containsExactly(false, false);
		assertThat(this.server.requests("/signed").get(1).header("X-TaskQueue-Signature")).matches("v1=\\p{XDigit}{64},v1=\\p{XDigit}{64}");
	}

	@Test
	void perTargetLimitHoldsUnder200TasksToASlowTargetWhileOtherTypesKeepRunning() {
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger mostInFlight = new AtomicInteger();
		this.server.on("/slow", (request) -> {
			mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
			try {
				TimeUnit.MILLISECONDS.sleep(40);
			}
			finally {
				inFlight.decrementAndGet();
			}
			return TestServer.Reply.of(200, "ok");
		});
		TaskQueue queue = start((builder) -> builder.concurrency(8),
				HttpTaskDefinition.builder("slow", this.server.url("/slow"))
					.concurrencyLimit(2)
					.postponeDelay(Duration.ofMillis(200)));
		List<TaskRef> slow = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			slow.add(queue.enqueue("slow", Map.of("n", i)));
		}
		List<TaskRef> others = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			others.add(queue.enqueue("echo", "other " + i));
		}
		await().atMost(WAIT).until(() -> others.stream()
			.allMatch((task) -> queue.find(task.id()).orElseThrow().status() == TaskStatus.SUCCEEDED));
		assertThat(this.server.requests("/slow")).hasSizeLessThan(150);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.nodes.count(TaskStatus.SUCCEEDED) == 220);
		assertThat(mostInFlight).hasValueLessThanOrEqualTo(2);
		assertThat(this.server.requests("/slow")).hasSize(200);
		assertThat(queue.find(slow.get(199).id()).orElseThrow().attempts()).isOne();
		assertThat(queue.find(slow.get(199).id()).orElseThrow().errors()).isEmpty();
	}

	@Test
	void circuitBreakerOpensAfterFailuresInARowPostponesWithoutCallingAndClosesOnSuccess() {
		AtomicBoolean healthy = new AtomicBoolean();
		this.server.on("/fragile", (request) -> healthy.get() ? TestServer.Reply.of(200, "ok")
				: TestServer.Reply.of(500, "broken"));
		TaskQueue queue = start(HttpTaskDefinition.builder("fragile", this.server.url("/fragile"))
			.circuitBreaker(new HttpTaskDefinition.CircuitBreaker(2, Duration.ofSeconds(2))));
		TaskRef task = enqueue(queue, "fragile", retries(5, Duration.ofMillis(20)));
		await().atMost(WAIT).until(() -> this.server.requests("/fragile").size() == 2);
		// Open: the retries that fall due meanwhile are postponed, the target is not called
		await().during(Duration.ofMillis(1000)).atMost(WAIT).until(() -> this.server.requests("/fragile").size() == 2);
		healthy.set(true);
		TaskState state = awaitStatus(queue, task.id(), TaskStatus.SUCCEEDED);
		assertThat(this.server.requests("/fragile")).hasSize(3);
		assertThat(state.attempts()).isEqualTo(3);
		assertThat(state.errors()).hasSize(2);
		// Closed again: the next task calls at once
		awaitStatus(queue, queue.enqueue("fragile", null).id(), TaskStatus.SUCCEEDED);
		assertThat(this.server.requests("/fragile")).hasSize(4);
	}

	@Test
	void clientErrorDoesNotResetTheCircuitBreakersFailuresInARow() {
		AtomicInteger calls = new AtomicInteger();
		// 500, then a 404 that is the request's fault, then 500 again: two failures in a row
		this.server.on("/picky", (request) -> switch (calls.incrementAndGet()) {
			case 1, 3 -> TestServer.Reply.of(500, "broken");
			case 2 -> TestServer.Reply.of(404, "no such order");
			default -> TestServer.Reply.of(200, "ok");
		});
		TaskQueue queue = start(HttpTaskDefinition.builder("picky", this.server.url("/picky"))
			.circuitBreaker(new HttpTaskDefinition.CircuitBreaker(2, Duration.ofSeconds(30))));
		for (int i = 0; i < 3; i++) {
			awaitStatus(queue, enqueue(queue, "picky", retries(0, Duration.ofMillis(10))).id(), TaskStatus.FAILED);
		}
		enqueue(queue, "picky", retries(0, Duration.ofMillis(10)));
		await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> this.server.requests("/picky").size() == 3);
	}

	@Test
	void credentialsAppearNeitherInLogsNorInTheStoredTask() {
		AtomicInteger calls = new AtomicInteger();
		// A careless target that echoes the request's headers back
		this.server.on("/echo-headers", (request) -> new TestServer.Reply((calls.incrementAndGet() == 1) ? 500 : 200,
				Map.of("Set-Cookie", "session=c00kie-31337"), request.headers().entrySet().toString()));
		try (LogCapture logs = LogCapture.of("dev.taskqueue", Level.DEBUG)) {
			TaskQueue queue = start(HttpTaskDefinition.builder("careful", this.server.url("/echo-headers"))
				.headers(Map.of("Authorization", TOKEN, "X-Api-Key", "key-77665544", "X-Tenant-Key", "tenant-5566"))
				.sensitiveHeaders(List.of("X-Tenant-Key"))
				.secrets(List.of(SECRET))
				.responseHeaders(List.of("Set-Cookie", "Content-Type")));
			TaskState state = awaitStatus(queue,
					enqueue(queue, "careful", Map.of("event", "paid"), retries(1, Duration.ofMillis(10))).id(),
					TaskStatus.SUCCEEDED);
			assertThat(this.server.requests("/echo-headers").get(0).header("Authorization")).isEqualTo(TOKEN);
			assertThat(state.errors()).hasSize(1);
			List<String> stored = new ArrayList<>();
			JdbcTemplate jdbc = new JdbcTemplate(this.nodes.dataSource());
			for (String table : List.of("TASK", "TASK_ERROR")) {
				jdbc.queryForList("SELECT * FROM " + this.nodes.prefix() + table)
					.forEach((row) -> stored.add(row.toString()));
			}
			List<String> logged = logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
			assertThat(String.join("\n", stored)).contains("******")
				.doesNotContain("s3cr3t-t0ken-4242", "key-77665544", "tenant-5566", "c00kie-31337", SECRET);
			assertThat(state.result(HttpTaskResult.class).headers()).doesNotContainKey("Set-Cookie");
			assertThat(logged).isNotEmpty()
				.noneMatch((line) -> line.contains("s3cr3t-t0ken-4242") || line.contains("key-77665544")
						|| line.contains(SECRET));
		}
	}

	private TaskQueue start(HttpTaskDefinition.Builder... types) {
		return start((builder) -> {
		}, types);
	}

	private TaskQueue start(java.util.function.Consumer<dev.taskqueue.engine.TaskQueueEngine.Builder> customizer,
			HttpTaskDefinition.Builder... types) {
		List<HttpTaskDefinition> definitions = java.util.Arrays.stream(types).map(HttpTaskDefinition.Builder::build).toList();
		new HttpTaskTypes(definitions, RestClient::builder, Clock.systemUTC()).registerWith(this.nodes.registry());
		return this.nodes.start(customizer).queue();
	}

	private static TaskRef enqueue(TaskQueue queue, String type, TaskOptions options) {
		return enqueue(queue, type, Map.of("n", 1), options);
	}

	private static TaskRef enqueue(TaskQueue queue, String type, Object payload, TaskOptions options) {
		return queue.enqueue(TaskRequest.builder(type).payload(payload).options(options).build());
	}

	private static TaskOptions retries(int retries, Duration delay) {
		return new TaskOptions(null, null, retries, delay, 1.0, Duration.ofMinutes(1), 0.0);
	}

	private CountDownLatch latch() {
		CountDownLatch latch = new CountDownLatch(1);
		this.latches.add(latch);
		return latch;
	}

}

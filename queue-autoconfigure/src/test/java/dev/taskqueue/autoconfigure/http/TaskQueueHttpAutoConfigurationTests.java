package dev.taskqueue.autoconfigure.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.autoconfigure.TaskQueueAutoConfiguration;
import dev.taskqueue.http.HttpTaskDefinition;
import dev.taskqueue.http.HttpTaskResult;
import dev.taskqueue.http.HttpTaskTypes;
import dev.taskqueue.http.WebhookSignature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TaskQueueHttpAutoConfiguration}.
 */
class TaskQueueHttpAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.datasource.generate-unique-name=true", "taskqueue.worker.poll-interval=100ms",
				"taskqueue.worker.shutdown-timeout=5s")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class,
				TaskQueueAutoConfiguration.class, TaskQueueHttpAutoConfiguration.class));

	private final List<Headers> received = new CopyOnWriteArrayList<>();

	private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private HttpServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			try (exchange) {
				this.bodies.add(exchange.getRequestBody().readAllBytes());
				this.received.add(exchange.getRequestHeaders());
				byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("X-Delivery", "d-1");
				exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/orders/7") ? 202 : 404,
						body.length);
				exchange.getResponseBody().write(body);
			}
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	@Test
	void whenATypeSetsAnHttpUrlThenItsTasksRunAsSignedHttpCallsWithTheTypesRetryOptions() {
		this.contextRunner
			.withPropertyValues("taskqueue.types.order-hook.retries=2",
					"taskqueue.types.order-hook.http.url=" + url("/orders/{id}/hook"),
					"taskqueue.types.order-hook.http.method=put",
					"taskqueue.types.order-hook.http.headers.Authorization=Bearer t0ken-abcdef",
					"taskqueue.types.order-hook.http.secrets=new-secret-1,old-secret-0",
					"taskqueue.types.order-hook.http.success-statuses=202",
					"taskqueue.types.order-hook.http.response-headers=X-Delivery",
					"taskqueue.types.order-hook.http.timeout=2s", "taskqueue.types.order-hook.http.connect-timeout=1s",
					"taskqueue.types.order-hook.http.max-response-body=1KB",
					"taskqueue.types.order-hook.http.concurrency-limit=3",
					"taskqueue.types.order-hook.http.limit-per=host",
					"taskqueue.types.order-hook.http.circuit-breaker.enabled=true",
					"taskqueue.types.order-hook.http.circuit-breaker.failure-threshold=3",
					"taskqueue.types.order-hook.http.circuit-breaker.cool-down=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(HttpTaskTypes.class);
				assertThat(context.getBean(HttpTaskTypes.class).definitions()).extracting(HttpTaskDefinition::type)
					.containsExactly("order-hook");
				TaskQueue queue = context.getBean(TaskQueue.class);
				TaskState state = awaitSucceeded(queue, queue.enqueue("order-hook", Map.of("id", 7)).id());
				assertThat(state.result(HttpTaskResult.class).status()).isEqualTo(202);
				assertThat(state.result(HttpTaskResult.class).headers()).containsEntry("X-Delivery", "d-1");
				Headers headers = this.received.get(0);
				assertThat(headers.getFirst("Authorization")).isEqualTo("Bearer t0ken-abcdef");
				assertThat(WebhookSignature.verify("old-secret-0", headers.getFirst("X-TaskQueue-Timestamp"),
						headers.getFirst("X-TaskQueue-Signature"), this.bodies.get(0), Duration.ofMinutes(1)))
					.isTrue();
			});
	}

	@Test
	void httpTasksDoNotUseTheApplicationsRestClientBuilderButItsObservationRegistry() {
		this.contextRunner.withUserConfiguration(RestClientBuilderConfiguration.class)
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/orders/7"))
			.run((context) -> {
				TaskQueue queue = context.getBean(TaskQueue.class);
				awaitSucceeded(queue, queue.enqueue(TaskRequest.builder("hook").build()).id());
				// The application's builder would carry its own services' credentials to the target
				assertThat(this.received.get(0).getFirst("X-Api-Key")).isNull();
				assertThat(context.getBean(RestClientBuilderConfiguration.class).observed)
					.contains("http.client.requests");
			});
	}

	@Test
	void whenTheContextClosesThenTheClientsThreadsStop() {
		this.contextRunner.withPropertyValues("taskqueue.types.hook.http.url=" + url("/orders/7")).run((context) -> {
			TaskQueue queue = context.getBean(TaskQueue.class);
			awaitSucceeded(queue, queue.enqueue(TaskRequest.builder("hook").build()).id());
			assertThat(httpThreads()).isNotEmpty();
		});
		// Idle threads would otherwise linger for a minute
		await().atMost(Duration.ofSeconds(10)).until(() -> httpThreads().isEmpty());
	}

	private static List<Thread> httpThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("taskqueue-http-"))
			.toList();
	}

	@Test
	void whenNoTypeIsAnHttpCallThenNoneIsRegistered() {
		this.contextRunner.run((context) -> assertThat(context.getBean(HttpTaskTypes.class).definitions()).isEmpty());
	}

	@Test
	void invalidSuccessStatusesFailStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/x"),
					"taskqueue.types.hook.http.success-statuses=2xx,abc")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("taskqueue.types.hook.http.success-statuses")
					.hasMessageContaining("'abc' is not a status");
			});
	}

	@Test
	void urlThatIsNotHttpFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("taskqueue.types.hook.http.url=ftp://example.com/x").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("taskqueue.types.hook.http.url")
				.hasMessageContaining("not an absolute http or https URL");
		});
	}

	@Test
	void circuitBreakerThresholdBelowOneFailsStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/x"),
					"taskqueue.types.hook.http.circuit-breaker.enabled=true",
					"taskqueue.types.hook.http.circuit-breaker.failure-threshold=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("taskqueue.types.hook.http.circuit-breaker.failure-threshold");
			});
	}

	@Test
	void misspeltHttpPropertyFailsStartup() {
		this.contextRunner
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/x"), "taskqueue.types.hook.http.timout=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(UnboundConfigurationPropertiesException.class)
					.rootCause()
					.hasMessageContaining("taskqueue.types.hook.http.timout");
			});
	}

	@Test
	void typeWithBothAClassAndAUrlFailsStartupNamingTheUrl() {
		this.contextRunner
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/x"),
					"taskqueue.types.hook.class-name=java.lang.Object")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("taskqueue.types.hook.http.url")
					.hasMessageContaining("taskqueue.types.hook.class-name");
			});
	}

	@Test
	void whenQueueHttpIsMissingThenAnHttpTypeFailsStartupSayingWhatToAdd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpTaskTypes.class))
			.withPropertyValues("taskqueue.types.hook.http.url=" + url("/x"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("taskqueue.types.hook.http.url")
					.hasMessageContaining("dev.taskqueue:queue-http");
			});
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	private static TaskState awaitSucceeded(TaskQueue queue, java.util.UUID id) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> queue.find(id).map(TaskState::status).orElse(null) == TaskStatus.SUCCEEDED);
		return queue.find(id).orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class RestClientBuilderConfiguration {

		final List<String> observed = new CopyOnWriteArrayList<>();

		@Bean
		RestClient.Builder restClientBuilder() {
			return RestClient.builder().defaultHeader("X-Api-Key", "internal-service-key");
		}

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public void onStart(Observation.Context context) {
					RestClientBuilderConfiguration.this.observed.add(context.getName());
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			});
			return registry;
		}

	}

}

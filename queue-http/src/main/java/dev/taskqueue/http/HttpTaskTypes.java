package dev.taskqueue.http;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.type.TaskTypeDefinition;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * The HTTP task types of an application: registers a handler for each with the
 * {@link TaskTypeRegistry}, before the registry is initialized. The types' concurrency
 * limits and circuit breakers are kept per node, shared by the types that name the same
 * target.
 * <p>
 * Each type gets a {@link RestClient} over the JDK {@link HttpClient}, with its connection
 * and read timeouts, HTTP/1.1, and redirects not followed (a redirect would carry the
 * signature and credentials elsewhere). Closing the types stops the threads their clients
 * share once the calls in flight end.
 *
 * @since 0.1.0
 */
public final class HttpTaskTypes implements AutoCloseable {

	private final List<HttpTaskDefinition> definitions;

	private final Supplier<RestClient.Builder> restClientBuilder;

	private final Targets targets;

	private final Clock clock;

	/** Writes request bodies and runs the clients' work, in place of a thread per request. */
	private final ExecutorService executor;

	/**
	 * Create the types.
	 * @param definitions the definitions
	 * @param restClientBuilder supplies a builder for each type's client, such as a clone of
	 * the application's, whose request factory is then replaced
	 * @param clock the clock that signs requests and times circuit breakers
	 */
	public HttpTaskTypes(List<HttpTaskDefinition> definitions, Supplier<RestClient.Builder> restClientBuilder,
			Clock clock) {
		Assert.notNull(definitions, "'definitions' must not be null");
		this.definitions = List.copyOf(definitions);
		this.restClientBuilder = restClientBuilder;
		this.targets = new Targets(clock);
		this.clock = clock;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("taskqueue-http-");
		threads.setDaemon(true);
		this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				threads);
	}

	/**
	 * Return the definitions.
	 * @return the definitions, in order
	 */
	public List<HttpTaskDefinition> definitions() {
		return this.definitions;
	}

	/**
	 * Register a handler for each type; their tasks take any JSON payload, sent as the body.
	 * @param registry the registry, not yet initialized
	 * @throws IllegalStateException if a type already has a handler
	 */
	public void registerWith(TaskTypeRegistry registry) {
		for (HttpTaskDefinition definition : this.definitions) {
			registry.register(definition.type(), handler(definition), null, TaskTypeSettings.NONE,
					TaskTypeDefinition.property(definition.type(), "http.url") + " (" + definition.url() + ")");
		}
	}

	/** Stops the clients' threads once the calls in flight end; calls after this fail. */
	@Override
	public void close() {
		this.executor.shutdown();
	}

	private TaskHandler<Object> handler(HttpTaskDefinition definition) {
		HttpClient httpClient = HttpClient.newBuilder()
			.connectTimeout(definition.connectTimeout())
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(this.executor)
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient, this.executor);
		requestFactory.setReadTimeout(definition.timeout());
		RestClient client = this.restClientBuilder.get().requestFactory(requestFactory).build();
		return new HttpTaskHandler(definition, client, this.targets, this.clock);
	}

}

package dev.taskqueue.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.awaitility.Awaitility.await;

/**
 * Nodes of one test: task tables under a prefix of their own, a registry of test handlers, and
 * engines on them, all dropped by {@link #close()}. Tasks get no retries unless a test's type
 * asks for them, so that a failure ends a task at once.
 */
public final class TestNodes implements AutoCloseable {

	/** How long a test waits for a task. */
	public static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final DataSource dataSource;

	private final Dialect dialect;

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final TaskTypeRegistry registry = new TaskTypeRegistry(List.of(),
			new TaskTypeSettings(null, null, null, new TaskOptions(null, null, 0, null, null, null, null), null));

	private final List<TaskQueueEngine> engines = new ArrayList<>();

	/**
	 * Create the task tables in a database.
	 * @param dataSource the database
	 */
	public TestNodes(DataSource dataSource) {
		this.dataSource = dataSource;
		this.dialect = Dialect.of(dataSource);
		TestDatabases.createSchema(dataSource, this.dialect.platform(), this.prefix);
	}

	/**
	 * Register a handler.
	 * @param type the type name
	 * @param payloadType the payload class
	 * @param settings its options
	 * @param handler the handler
	 */
	public void register(String type, Class<?> payloadType, TaskTypeSettings settings, TaskHandler<?> handler) {
		this.registry.register(type, handler, payloadType, settings, "test handler '" + type + "'");
	}

	/**
	 * Start a node with a 100 ms poll interval.
	 * @param customizer customizes the engine
	 * @return the started engine
	 */
	public TaskQueueEngine start(Consumer<TaskQueueEngine.Builder> customizer) {
		return start(this.dataSource, customizer);
	}

	/**
	 * Start a node with a 100 ms poll interval that connects through another DataSource to the
	 * same database, such as one that watches its statements.
	 * @param dataSource the DataSource
	 * @param customizer customizes the engine
	 * @return the started engine
	 */
	public TaskQueueEngine start(DataSource dataSource, Consumer<TaskQueueEngine.Builder> customizer) {
		TaskQueueEngine.Builder builder = TaskQueueEngine.builder(dataSource, this.registry, mapper)
			.tablePrefix(this.prefix)
			.pollInterval(Duration.ofMillis(100));
		customizer.accept(builder);
		TaskQueueEngine engine = builder.build();
		engine.start();
		this.engines.add(engine);
		return engine;
	}

	/**
	 * Start a node with the defaults.
	 * @return its queue
	 */
	public TaskQueue start() {
		return start((builder) -> {
		}).queue();
	}

	/**
	 * Wait for a task to reach a status.
	 * @param queue the queue to look it up in
	 * @param id the task id
	 * @param status the status
	 * @return the task's state then
	 */
	public static TaskState awaitStatus(TaskQueue queue, UUID id, TaskStatus status) {
		await().atMost(WAIT).until(() -> queue.find(id).map(TaskState::status).orElse(null) == status);
		return queue.find(id).orElseThrow();
	}

	/**
	 * Count the task rows, or those of one status.
	 * @param status the status, or {@code null} for all
	 * @return the count
	 */
	public int count(TaskStatus status) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		String table = this.prefix + "TASK";
		Integer count = (status != null)
				? jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE status = ?", Integer.class, status.name())
				: jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
		return (count != null) ? count : 0;
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	public Dialect dialect() {
		return this.dialect;
	}

	public String prefix() {
		return this.prefix;
	}

	public TaskTypeRegistry registry() {
		return this.registry;
	}

	@Override
	public void close() {
		this.engines.forEach(TaskQueueEngine::stop);
		TestDatabases.dropSchema(this.dataSource, this.dialect.platform(), this.prefix);
	}

}

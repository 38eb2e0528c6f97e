package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskError;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Schema versions on every supported database: tables made by the create script of each earlier
 * version, holding tasks in every status that version knows, are upgraded in place when a node
 * starts, keep every task, and the unfinished ones finish normally; tables that are missing,
 * newer, or older with the upgrade turned off fail the start with a message saying what to do.
 * Each database's subclass supplies a DataSource.
 */
abstract class SchemaUpgradeContractTests {

	private static final Instant PAST = Instant.parse("2026-11-01T10:00:00Z");

	private final DataSource dataSource = dataSource();

	private final Dialect dialect = dialect(this.dataSource);

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), new TaskTypeSettings(null, null, null,
			new TaskOptions(null, null, 3, Duration.ofMillis(100), 1.0, Duration.ofSeconds(1), 0.0), null));

	private final List<TaskQueueEngine> engines = new ArrayList<>();

	protected abstract DataSource dataSource();

	protected Dialect dialect(DataSource dataSource) {
		return Dialect.of(dataSource);
	}

	SchemaUpgradeContractTests() {
		this.registry.register("echo", (payload, context) -> payload, String.class, TaskTypeSettings.NONE, "echo");
	}

	@AfterEach
	void dropTables() {
		this.engines.forEach(TaskQueueEngine::stop);
		TestDatabases.dropSchema(this.dataSource, this.dialect.platform(), this.prefix);
	}

	@ParameterizedTest(name = "from version {0}")
	@ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7 })
	void tablesOfAnEarlierVersionAreUpgradedKeepingEveryTaskAndUnfinishedOnesFinish(int version) {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix, version);
		UUID ready = insertTask("READY", null);
		UUID parent = insertTask("READY", null);
		UUID waiting = insertTask("WAITING", null);
		this.jdbc.update((connection) -> {
			PreparedStatement ps = connection.prepareStatement(
					"INSERT INTO " + this.prefix + "TASK_PARENT (parent_id, child_id) VALUES (?, ?)");
			this.dialect.setId(ps, 1, parent);
			this.dialect.setId(ps, 2, waiting);
			return ps;
		});
		UUID running = insertTask("RUNNING", null);
		UUID succeeded = insertTask("SUCCEEDED", null);
		UUID failed = insertTask("FAILED", null);
		UUID cancelled = insertTask("CANCELLED", null);
		if (version >= 2) {
			insertError(failed);
		}
		UUID job = null;
		List<UUID> jobTasks = List.of();
		if (version >= 3) {
			job = insertJob();
			jobTasks = List.of(insertTask("READY", job), insertTask("READY", job));
		}
		int tasks = count("TASK");

		TaskQueue queue = start((builder) -> {
		}).queue();

		assertThat(version()).isEqualTo(TaskQueueSchema.CURRENT_VERSION);
		for (UUID id : List.of(ready, parent, waiting, running)) {
			TaskState state = awaitStatus(queue, id, TaskStatus.SUCCEEDED);
			assertThat(state.result(String.class)).isEqualTo("payload of " + id);
		}
		assertThat(queue.find(running).orElseThrow().attempts()).isEqualTo(2);
		assertThat(queue.find(succeeded).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(queue.find(succeeded).orElseThrow().result(String.class)).isEqualTo("done");
		TaskState failedState = queue.find(failed).orElseThrow();
		assertThat(failedState.status()).isEqualTo(TaskStatus.FAILED);
		assertThat(failedState.errorMessage()).isEqualTo("Broken");
		assertThat(failedState.errors()).extracting(TaskError::message).containsExactly("Broken");
		assertThat(queue.find(cancelled).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
		if (job != null) {
			UUID jobId = job;
			jobTasks.forEach((id) -> awaitStatus(queue, id, TaskStatus.SUCCEEDED));
			await().atMost(WAIT)
				.until(() -> queue.findJob(jobId).orElseThrow().status() == JobStatus.SUCCEEDED);
		}
		assertThat(count("TASK")).isEqualTo(tasks);
		assertThat(queue.find(queue.enqueue("echo", "new").id())).isPresent();
	}

	@Test
	void twoNodesStartingOnOldTablesUpgradeThemOnce() {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix, 1);
		UUID ready = insertTask("READY", null);
		CompletableFuture<TaskQueueEngine> first = CompletableFuture.supplyAsync(() -> start((builder) -> {
		}));
		CompletableFuture<TaskQueueEngine> second = CompletableFuture.supplyAsync(() -> start((builder) -> {
		}));
		TaskQueue queue = first.join().queue();
		assertThat(second.join().isRunning()).isTrue();
		awaitStatus(queue, ready, TaskStatus.SUCCEEDED);
		// Each step from version 4, the first that records itself, once
		assertThat(this.jdbc.queryForList("SELECT version FROM " + this.prefix + "SCHEMA_VERSION ORDER BY version",
				Integer.class))
			.containsExactlyElementsOf(IntStream.rangeClosed(4, TaskQueueSchema.CURRENT_VERSION).boxed().toList());
	}

	@Test
	void tablesOfAnEarlierVersionThatTheCurrentCreateScriptRanOverAreStillUpgraded() {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix, 3);
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		assertThat(version()).isEqualTo(3);
		TaskQueue queue = start((builder) -> {
		}).queue();
		assertThat(version()).isEqualTo(TaskQueueSchema.CURRENT_VERSION);
		awaitStatus(queue, queue.enqueue("echo", "x").id(), TaskStatus.SUCCEEDED);
	}

	@Test
	void currentTablesStartAsTheyAre() {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		TaskQueue queue = start((builder) -> {
		}).queue();
		awaitStatus(queue, queue.enqueue("echo", "x").id(), TaskStatus.SUCCEEDED);
		assertThat(this.jdbc.queryForList("SELECT version FROM " + this.prefix + "SCHEMA_VERSION", Integer.class))
			.containsExactly(TaskQueueSchema.CURRENT_VERSION);
	}

	@Test
	void tablesOfANewerVersionRefuseToStartNamingBothVersions() {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		this.jdbc.update("INSERT INTO " + this.prefix + "SCHEMA_VERSION (version, installed_at) VALUES (?, ?)",
				TaskQueueSchema.CURRENT_VERSION + 1, Timestamp.from(Instant.now()));
		assertThatExceptionOfType(TaskQueueSchemaException.class).isThrownBy(() -> start((builder) -> {
		}))
			.withMessageContaining("schema version " + (TaskQueueSchema.CURRENT_VERSION + 1))
			.withMessageContaining("runs on schema version " + TaskQueueSchema.CURRENT_VERSION);
	}

	@Test
	void olderTablesWithTheUpgradeOffFailNamingTheVersionsAndTheScriptsAndStayAsTheyAre() {
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix, 2);
		insertTask("READY", null);
		assertThatExceptionOfType(TaskQueueSchemaException.class)
			.isThrownBy(() -> start((builder) -> builder.upgradeSchema(false)))
			.withMessageContaining("schema version 2")
			.withMessageContaining("needs version " + TaskQueueSchema.CURRENT_VERSION)
			.withMessageContaining("taskqueue.jdbc.upgrade-schema=false")
			.withMessageContaining("V3__jobs.sql, then V4__claim_tokens_and_schema_version.sql")
			.withMessageContaining("classpath:dev/taskqueue/store/jdbc/upgrade/" + this.dialect.platform() + "/");
		assertThat(version()).isEqualTo(2);
		assertThat(count("TASK")).isOne();
	}

	@Test
	void missingTablesFailTheStartSayingHowToCreateThem() {
		assertThatExceptionOfType(TaskQueueSchemaException.class).isThrownBy(() -> start((builder) -> {
		}))
			.withMessageContaining("do not exist")
			.withMessageContaining("taskqueue.jdbc.initialize-schema=always")
			.withMessageContaining("classpath:dev/taskqueue/store/jdbc/schema-" + this.dialect.platform() + ".sql")
			.withMessageContaining("taskqueue.jdbc.wait-for-schema");
	}

	@Test
	void aNodeConfiguredToWaitForTheTablesStartsOnceTheyAreCreated() throws Exception {
		CompletableFuture<TaskQueueEngine> starting = CompletableFuture
			.supplyAsync(() -> start((builder) -> builder.waitForSchema(WAIT)));
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !starting.isDone());
		TestDatabases.createSchema(this.dataSource, this.dialect.platform(), this.prefix);
		TaskQueue queue = starting.get(WAIT.toSeconds(), TimeUnit.SECONDS).queue();
		awaitStatus(queue, queue.enqueue("echo", "x").id(), TaskStatus.SUCCEEDED);
	}

	private TaskQueueEngine start(Consumer<TaskQueueEngine.Builder> customizer) {
		TaskQueueEngine.Builder builder = TaskQueueEngine
			.builder(this.dataSource, this.registry, JsonMapper.builder().build())
			.dialect(this.dialect)
			.tablePrefix(this.prefix)
			.pollInterval(Duration.ofMillis(100));
		customizer.accept(builder);
		TaskQueueEngine engine = builder.build();
		engine.start();
		synchronized (this.engines) {
			this.engines.add(engine);
		}
		return engine;
	}

	/** A task as the create script of version 1 knows it, which every later version still reads. */
	private UUID insertTask(String status, @Nullable UUID job) {
		UUID id = UUID.randomUUID();
		boolean running = "RUNNING".equals(status);
		boolean finished = List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status);
		this.jdbc.update((connection) -> {
			PreparedStatement ps = connection.prepareStatement("INSERT INTO " + this.prefix + "TASK (id, type, queue, status, "
					+ "priority, run_at, attempts, pending_parents, payload, result, error_message, error_detail, "
					+ "worker, lease_until, created_at, started_at, finished_at"
					+ ((job != null) ? ", job_id" : "") + ") VALUES (?, 'echo', 'default', ?, 0, ?, ?, ?, ?, ?, ?, ?, "
					+ "?, ?, ?, ?, ?" + ((job != null) ? ", ?" : "") + ")");
			this.dialect.setId(ps, 1, id);
			ps.setString(2, status);
			this.dialect.setInstant(ps, 3, PAST);
			ps.setInt(4, (running || finished) ? 1 : 0);
			ps.setInt(5, "WAITING".equals(status) ? 1 : 0);
			ps.setString(6, "\"payload of " + id + "\"");
			ps.setString(7, "SUCCEEDED".equals(status) ? "\"done\"" : null);
			ps.setString(8, "FAILED".equals(status) ? "Broken" : null);
			ps.setString(9, "FAILED".equals(status) ? "java.lang.IllegalStateException: Broken" : null);
			ps.setString(10, (running || finished) ? "a node long gone" : null);
			this.dialect.setInstant(ps, 11, running ? PAST.plusSeconds(30) : null);
			this.dialect.setInstant(ps, 12, PAST);
			this.dialect.setInstant(ps, 13, (running || finished) ? PAST : null);
			this.dialect.setInstant(ps, 14, finished ? PAST : null);
			if (job != null) {
				this.dialect.setId(ps, 15, job);
			}
			return ps;
		});
		return id;
	}

	private void insertError(UUID task) {
		this.jdbc.update((connection) -> {
			PreparedStatement ps = connection.prepareStatement("INSERT INTO " + this.prefix
					+ "TASK_ERROR (task_id, attempt, message, detail, failed_at) VALUES (?, 1, 'Broken', ?, ?)");
			this.dialect.setId(ps, 1, task);
			ps.setString(2, "java.lang.IllegalStateException: Broken");
			this.dialect.setInstant(ps, 3, PAST);
			return ps;
		});
	}

	private UUID insertJob() {
		UUID id = UUID.randomUUID();
		this.jdbc.update((connection) -> {
			PreparedStatement ps = connection.prepareStatement("INSERT INTO " + this.prefix
					+ "JOB (id, name, status, created_at, started_at) VALUES (?, 'upgrade', 'RUNNING', ?, ?)");
			this.dialect.setId(ps, 1, id);
			this.dialect.setInstant(ps, 2, PAST);
			this.dialect.setInstant(ps, 3, PAST);
			return ps;
		});
		return id;
	}

	private int count(String table) {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + table, Integer.class);
		return (count != null) ? count : 0;
	}

	private int version() {
		try (Connection connection = this.dataSource.getConnection()) {
			return SchemaVersion.read(connection, this.dialect, this.prefix);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

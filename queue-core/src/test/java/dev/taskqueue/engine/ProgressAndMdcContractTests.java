package dev.taskqueue.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskMdc;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.complete.FailureLog;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of running tasks on every supported database: the progress handlers
 * report, throttled, visible while they run and after they end, and the task's keys in the MDC
 * of the lines logged while it runs and about it. Each database's subclass supplies a
 * DataSource.
 */
abstract class ProgressAndMdcContractTests {

	private final WriteCountingDataSource dataSource = new WriteCountingDataSource(dataSource());

	private final TestNodes nodes = new TestNodes(this.dataSource);

	private final CountDownLatch release = new CountDownLatch(1);

	protected abstract DataSource dataSource();

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void progressIsVisibleWhileTheTaskRunsAndItsLastReportAfterItEnds() {
		this.nodes.register("import", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			context.progressPercent(40, "row 400 of 1000");
			awaitRelease();
			context.progress(1.0, "all 1000 rows");
			return null;
		});
		TaskQueue queue = this.nodes.start((builder) -> builder.progressInterval(Duration.ofMillis(100))).queue();
		UUID id = queue.enqueue("import", "file.csv").id();
		await().atMost(WAIT).until(() -> queue.find(id).map(TaskState::progress).isPresent());
		TaskState running = queue.find(id).orElseThrow();
		assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
		assertThat(running.progress().fraction()).isEqualTo(0.4);
		assertThat(running.progress().percent()).isEqualTo(40);
		assertThat(running.progress().message()).isEqualTo("row 400 of 1000");
		this.release.countDown();
		TaskProgress ended = awaitStatus(queue, id, TaskStatus.SUCCEEDED).progress();
		assertThat(ended.fraction()).isEqualTo(1.0);
		assertThat(ended.message()).isEqualTo("all 1000 rows");
	}

	@Test
	void lastReportOfAnAttemptIsWrittenWithItsOutcomeWhetherItSucceededOrFailed() {
		this.nodes.register("quick", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			context.progress(0.25, "first quarter");
			context.progress(0.75, "three quarters");
			if (payload.equals("fail")) {
				throw new IllegalStateException("Broken");
			}
			return null;
		});
		// No interval comes around while the tasks run: only their outcomes can carry the progress
		TaskQueue queue = this.nodes.start((builder) -> builder.progressInterval(Duration.ofHours(1))).queue();
		UUID succeeded = queue.enqueue("quick", "succeed").id();
		UUID failed = queue.enqueue("quick", "fail").id();
		for (TaskState state : List.of(awaitStatus(queue, succeeded, TaskStatus.SUCCEEDED),
				awaitStatus(queue, failed, TaskStatus.FAILED))) {
			assertThat(state.progress()).isNotNull();
			assertThat(state.progress().fraction()).isEqualTo(0.75);
			assertThat(state.progress().message()).isEqualTo("three quarters");
		}
	}

	@Test
	void aHotLoopOfReportsWritesOnlyAHandful() {
		int reports = 100_000;
		this.nodes.register("hot", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			for (int i = 1; i <= reports; i++) {
				context.progress((double) i / reports, "row " + i);
			}
			return null;
		});
		TaskQueue queue = this.nodes.start((builder) -> builder.progressInterval(Duration.ofMillis(500))).queue();
		UUID id = queue.enqueue("hot", "x").id();
		TaskProgress progress = awaitStatus(queue, id, TaskStatus.SUCCEEDED).progress();
		assertThat(progress.fraction()).isEqualTo(1.0);
		assertThat(progress.message()).isEqualTo("row " + reports);
		// One per interval the loop spans, and the last one with the outcome
		assertThat(this.dataSource.progressWrites()).isBetween(1, 5);
	}

	@Test
	void progressOutOfRangeIsRefusedNamingTheTaskAndWritesNothing() {
		List<String> refusals = new CopyOnWriteArrayList<>();
		this.nodes.register("wrong", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			for (Runnable report : List.<Runnable>of(() -> context.progress(Double.NaN, "nan"),
					() -> context.progress(1.5, "too far"), () -> context.progress(-0.1, "behind"),
					() -> context.progressPercent(101, "too far"))) {
				try {
					report.run();
				}
				catch (IllegalArgumentException ex) {
					refusals.add(ex.getMessage());
				}
			}
			return null;
		});
		TaskQueue queue = this.nodes.start();
		UUID id = queue.enqueue("wrong", "x").id();
		assertThat(awaitStatus(queue, id, TaskStatus.SUCCEEDED).progress()).isNull();
		assertThat(refusals).hasSize(4).allSatisfy((message) -> assertThat(message).contains("Task " + id));
		assertThat(refusals.get(0)).contains("reported progress NaN; it must be a fraction from 0 to 1");
		assertThat(refusals.get(3)).contains("reported progress 101%; it must be a percentage from 0 to 100");
	}

	@Test
	void theTasksKeysAreInTheMdcWhileItsHandlerRunsAndOnItsFailureLinesAndNotLeftForTheNextTask() {
		List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
		AtomicInteger attempts = new AtomicInteger();
		this.nodes.register("audited", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			attempts.incrementAndGet();
			seen.add(MDC.getCopyOfContextMap());
			throw new IllegalStateException("Broken");
		});
		this.nodes.register("plain", String.class, TaskTypeSettings.NONE, (payload, context) -> {
			Map<String, String> mdc = MDC.getCopyOfContextMap();
			seen.add((mdc != null) ? mdc : Map.of());
			return null;
		});
		try (LogCapture failures = LogCapture.of(FailureLog.class)) {
			// One slot, so that the plain task likely runs on the thread the audited one freed
			TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(1)).queue();
			TaskRequest audited = TaskRequest.of("audited", "secret payload");
			JobRef job = queue.startJob(JobRequest.builder("audit").tasks(audited).build());
			awaitStatus(queue, audited.id(), TaskStatus.FAILED);
			UUID plain = queue.enqueue("plain", "x").id();
			awaitStatus(queue, plain, TaskStatus.SUCCEEDED);
			Map<String, String> expected = Map.of(TaskMdc.TASK_ID, audited.id().toString(), TaskMdc.TASK_TYPE,
					"audited", TaskMdc.TASK_ATTEMPT, "1", TaskMdc.JOB_ID, job.id().toString());
			assertThat(seen.get(0)).containsAllEntriesOf(expected);
			assertThat(seen.get(1)).containsEntry(TaskMdc.TASK_TYPE, "plain").doesNotContainKey(TaskMdc.JOB_ID);
			await().atMost(WAIT).until(() -> !failures.events().isEmpty());
			ILoggingEvent failure = failures.events().get(0);
			assertThat(failure.getMDCPropertyMap()).containsAllEntriesOf(expected);
			assertThat(failure.getFormattedMessage()).doesNotContain("secret payload");
			assertThat(attempts).hasValue(1);
		}
	}

	@Test
	void aPayloadThatDoesNotBindIsNotQuotedInTheLog() {
		this.nodes.register("point", Point.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		TaskQueue queue = this.nodes.start();
		// Written by a node whose handler took any map: x was text then
		TaskTypeRegistry older = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		older.register("point", (payload, context) -> payload, Map.class, TaskTypeSettings.NONE, "older handler");
		TaskQueueEngine olderNode = TaskQueueEngine.builder(this.dataSource, older, JsonMapper.builder().build())
			.tablePrefix(this.nodes.prefix())
			.workerEnabled(false)
			.build();
		try (LogCapture failures = LogCapture.of(FailureLog.class)) {
			UUID id = olderNode.queue().enqueue("point", Map.of("x", "jane.doe@example.com", "y", 1)).id();
			TaskState state = awaitStatus(queue, id, TaskStatus.FAILED);
			await().atMost(WAIT).until(() -> !failures.events().isEmpty());
			assertThat(failures.events().get(0).getFormattedMessage()).contains("field 'x'")
				.doesNotContain("jane.doe@example.com");
			assertThat(state.errorDetail()).contains("jane.doe@example.com");
		}
	}

	private void awaitRelease() {
		try {
			this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Point(int x, int y) {
	}

	/**
	 * Counts the progress rows sent to the database: each statement that writes progress,
	 * and each entry of a batch of them.
	 */
	static final class WriteCountingDataSource extends DelegatingDataSource {

		private final AtomicInteger progressWrites = new AtomicInteger();

		WriteCountingDataSource(DataSource dataSource) {
			super(dataSource);
		}

		int progressWrites() {
			return this.progressWrites.get();
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						Object result = invoke(connection, method, args);
						if (method.getName().equals("prepareStatement") && ((String) args[0]).contains("progress_message = ?")) {
							return counting((PreparedStatement) result);
						}
						return result;
					});
		}

		private PreparedStatement counting(PreparedStatement statement) {
			return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
						if ((method.getName().equals("addBatch") || method.getName().equals("executeUpdate"))
								&& (args == null || args.length == 0)) {
							this.progressWrites.incrementAndGet();
						}
						return invoke(statement, method, args);
					});
		}

		private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}

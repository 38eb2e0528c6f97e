package dev.taskqueue.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.taskqueue.TaskError;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.testsupport.LogCapture;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeSettings;

import static dev.taskqueue.testsupport.TestNodes.WAIT;
import static dev.taskqueue.testsupport.TestNodes.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outcomes a database may refuse: error messages with a NUL byte or too long for its column,
 * huge stack traces, and results it cannot store. Each such outcome fails its task alone with
 * a readable message; the other outcomes of its batch are written, and the node goes on
 * claiming. Each database's subclass supplies a DataSource, and a result it refuses.
 */
abstract class UnstorableOutcomesContractTests {

	private static final int GOOD_TASKS = 60;

	private TestNodes nodes;

	private Object unstorable;

	protected abstract DataSource dataSource();

	/**
	 * Return a result the database cannot store, as a handler would return it, making the
	 * database refuse it first if it would store anything.
	 * @param nodes the nodes, with their tables
	 * @return the result
	 */
	protected abstract Object unstorableResult(TestNodes nodes);

	@BeforeEach
	void createNodes() {
		this.nodes = new TestNodes(dataSource());
		this.unstorable = unstorableResult(this.nodes);
		this.nodes.register("echo", String.class, TaskTypeSettings.NONE, (payload, context) -> payload);
		TaskHandler<String> poison = (payload, context) -> {
			switch (payload) {
				case "nul" -> throw new IllegalStateException("bad\u0000byte");
				case "long" -> throw new IllegalStateException("x".repeat(70_000));
				case "surrogate" -> throw new IllegalStateException("lone \uD800 surrogate");
				case "deep" -> throw deep(200);
				default -> {
					return this.unstorable;
				}
			}
		};
		this.nodes.register("poison", String.class, TaskTypeSettings.NONE, poison);
	}

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void outcomesTheDatabaseRefusesFailTheirTaskAloneAndTheNodeGoesOn() {
		try (LogCapture outageLog = LogCapture.of(DatabaseOutage.class)) {
			TaskQueue queue = this.nodes.start((builder) -> builder.concurrency(20)).queue();
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < GOOD_TASKS; i++) {
				requests.add(TaskRequest.of("echo", "good " + i));
				if (i % 12 == 0) {
					requests.add(TaskRequest.of("poison", List.of("nul", "long", "surrogate", "deep", "result").get(i / 12)));
				}
			}
			List<TaskRef> refs = queue.enqueueAll(requests);
			List<UUID> poisoned = new ArrayList<>();
			for (int i = 0; i < requests.size(); i++) {
				if (requests.get(i).type().equals("poison")) {
					poisoned.add(refs.get(i).id());
				}
			}
			await().atMost(WAIT).until(() -> this.nodes.count(TaskStatus.SUCCEEDED) >= GOOD_TASKS);
			TaskState nul = awaitStatus(queue, poisoned.get(0), TaskStatus.FAILED);
			assertThat(nul.errorMessage()).startsWith("bad").endsWith("byte").doesNotContain("\u0000");
			assertThat(nul.errors()).singleElement().extracting(TaskError::message).isEqualTo(nul.errorMessage());
			TaskState tooLong = awaitStatus(queue, poisoned.get(1), TaskStatus.FAILED);
			assertThat(tooLong.errorMessage()).hasSizeLessThanOrEqualTo(2000).startsWith("xxx").endsWith("…");
			assertThat(tooLong.errors().get(0).detail()).hasSizeLessThanOrEqualTo(8000)
				.startsWith("java.lang.IllegalStateException: xxx");
			TaskState surrogate = awaitStatus(queue, poisoned.get(2), TaskStatus.FAILED);
			assertThat(surrogate.errorMessage()).isEqualTo("lone \uFFFD surrogate");
			TaskState deep = awaitStatus(queue, poisoned.get(3), TaskStatus.FAILED);
			assertThat(deep.errors().get(0).detail()).hasSizeLessThanOrEqualTo(8000).endsWith("…");
			TaskState result = awaitStatus(queue, poisoned.get(4), TaskStatus.FAILED);
			assertThat(result.errorMessage()).startsWith("TaskQueue could not store the outcome of attempt 1: ");
			assertThat(result.attempts()).isOne();
			assertThat(this.nodes.count(TaskStatus.SUCCEEDED)).isEqualTo(GOOD_TASKS);

			TaskRef after = queue.enqueue("echo", "after");
			assertThat(awaitStatus(queue, after.id(), TaskStatus.SUCCEEDED).result(String.class)).isEqualTo("after");
			assertThat(this.nodes.count(TaskStatus.RUNNING)).isZero();
			assertThat(outageLog.messages(Level.WARN)).as("no outage").isEmpty();
		}
	}

	@Test
	void progressTheDatabaseRefusesIsDroppedAndTheTaskSucceedsAllTheSame() {
		new JdbcTemplate(this.nodes.dataSource()).execute("ALTER TABLE " + this.nodes.prefix() + "TASK ADD CONSTRAINT "
				+ this.nodes.prefix() + "REFUSED_PROGRESS CHECK (progress_message IS NULL OR progress_message <> 'refused')");
		TaskHandler<String> reporting = (payload, context) -> {
			context.progress(0.5, payload);
			return payload;
		};
		this.nodes.register("reporting", String.class, TaskTypeSettings.NONE, reporting);
		// Never written in between: each attempt's last report goes with its outcome
		TaskQueue queue = this.nodes.start((builder) -> builder.progressInterval(Duration.ofHours(1))).queue();
		List<TaskRef> refs = queue.enqueueAll(List.of(TaskRequest.of("reporting", "refused"),
				TaskRequest.of("reporting", "kept")));
		TaskState refused = awaitStatus(queue, refs.get(0).id(), TaskStatus.SUCCEEDED);
		assertThat(refused.result(String.class)).isEqualTo("refused");
		assertThat(refused.progress()).isNull();
		TaskState kept = awaitStatus(queue, refs.get(1).id(), TaskStatus.SUCCEEDED);
		assertThat(kept.progress()).extracting(TaskProgress::message).isEqualTo("kept");
	}

	/**
	 * Make the database refuse results holding a word, through a check constraint.
	 * @param nodes the nodes, with their tables
	 * @return a result holding the word
	 */
	protected static Object refusedByConstraint(TestNodes nodes) {
		new JdbcTemplate(nodes.dataSource()).execute("ALTER TABLE " + nodes.prefix() + "TASK ADD CONSTRAINT "
				+ nodes.prefix() + "REFUSED CHECK (result IS NULL OR result NOT LIKE '%unstorable%')");
		return "unstorable";
	}

	private static RuntimeException deep(int depth) {
		RuntimeException cause = new IllegalArgumentException("cause 0 " + "y".repeat(500));
		for (int i = 1; i < depth; i++) {
			cause = new IllegalStateException("cause " + i + " " + "y".repeat(500), cause);
		}
		return cause;
	}

}

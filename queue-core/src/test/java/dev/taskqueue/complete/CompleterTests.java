package dev.taskqueue.complete;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.Completion;
import dev.taskqueue.store.DatabaseOutage;
import dev.taskqueue.store.TaskOutcome;
import dev.taskqueue.store.TaskStore;
import dev.taskqueue.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The completer writes what the database accepts, fails alone what it refuses, never loops
 * on a refused outcome, and logs failed attempts once they were recorded.
 */
class CompleterTests {

	private static final Instant RETRY_AT = Instant.parse("2030-01-02T03:04:05Z");

	/** The outcomes recorded, by task id, as a store with current attempts keeps them. */
	private final Map<UUID, TaskOutcome> recorded = new ConcurrentHashMap<>();

	private final DatabaseOutage outage = new DatabaseOutage();

	private Predicate<TaskOutcome> refused = (outcome) -> false;

	private Predicate<TaskOutcome> stale = (outcome) -> false;

	/** The outcomes the listener was told were recorded, with whether they timed out. */
	private final Map<TaskOutcome, Boolean> listened = new ConcurrentHashMap<>();

	private final Completer completer = new Completer(store(), Clock.systemUTC(), 100, this.outage,
			new Completer.Listener() {

				@Override
				public void written(List<TaskOutcome> batch, boolean releasedChildren) {
				}

				@Override
				public void recorded(ClaimedTask task, TaskOutcome outcome, boolean timedOut) {
					assertThat(task.id()).isEqualTo(outcome.id());
					CompleterTests.this.listened.put(outcome, timedOut);
				}

			});

	@AfterEach
	void stop() {
		this.completer.stop(Duration.ofSeconds(1));
	}

	@Test
	void outcomeTheDatabaseRefusesFailsItsTaskAloneAndTheOthersAreWritten() {
		List<TaskOutcome> batch = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			batch.add(new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"ok\""));
		}
		TaskOutcome poisoned = new TaskOutcome.Succeeded(UUID.randomUUID(), 2, 1L, null, "\"poison\"");
		batch.add(5, poisoned);
		this.refused = (outcome) -> outcome.equals(poisoned);
		batch.forEach((outcome) -> this.completer.submit(outcome, claimed(outcome, "echo"), false, null));
		this.completer.start("completer");
		await().until(() -> this.recorded.size() == 11);
		assertThat(batch).filteredOn((outcome) -> outcome != poisoned)
			.allSatisfy((outcome) -> assertThat(this.recorded.get(outcome.id())).isEqualTo(outcome));
		assertThat(this.recorded.get(poisoned.id())).isInstanceOfSatisfying(TaskOutcome.Failed.class, (failed) -> {
			assertThat(failed.attempt()).isEqualTo(2);
			assertThat(failed.retryAt()).isNull();
			assertThat(failed.message()).isEqualTo(
					"TaskQueue could not store the outcome of attempt 2: value too long for type character varying");
		});
		assertThat(this.outage.isBackingOff()).isFalse();
	}

	@Test
	void outcomeWhoseFailureIsRefusedTooIsLoggedAndLeftToTheRescue() {
		TaskOutcome poisoned = new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"poison\"");
		TaskOutcome next = new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"ok\"");
		this.refused = (outcome) -> outcome.id().equals(poisoned.id());
		try (LogCapture log = LogCapture.of(Completer.class)) {
			this.completer.start("completer");
			this.completer.submit(poisoned, claimed(poisoned, "echo"), false, null);
			await().until(() -> !log.events(Level.ERROR).isEmpty());
			this.completer.submit(next, claimed(next, "echo"), false, null);
			await().until(() -> this.recorded.containsKey(next.id()));
			assertThat(this.recorded).doesNotContainKey(poisoned.id());
			assertThat(log.messages(Level.ERROR)).containsExactly("TaskQueue could not store the outcome of attempt 1 of task "
					+ poisoned.id() + " (type 'echo'), nor its failure; the task stays RUNNING until its lease expires "
					+ "and it is taken back");
		}
	}

	@Test
	void recordedFailuresAreLoggedOnceRetriedAtWarnAndFailedAtErrorButStaleOnesNot() {
		TaskOutcome.Failed retried = new TaskOutcome.Failed(UUID.randomUUID(), 1, 1L, null, "Flaky 1", "detail", RETRY_AT);
		TaskOutcome.Failed failed = new TaskOutcome.Failed(UUID.randomUUID(), 3, 1L, null, "Broken 3", "detail", null);
		TaskOutcome.Failed staleFailure = new TaskOutcome.Failed(UUID.randomUUID(), 1, 1L, null, "Late", "detail", null);
		this.stale = (outcome) -> outcome.equals(staleFailure);
		try (LogCapture log = LogCapture.of(FailureLog.class)) {
			List.of(retried, failed, staleFailure).forEach((outcome) -> this.completer.submit(outcome, claimed(outcome, "mail"), false, null));
			this.completer.start("completer");
			await().until(() -> this.completer.pending() == 0 && this.recorded.size() == 2);
			await().until(() -> log.events().size() == 2);
			assertThat(log.messages(Level.WARN)).containsExactly("Task " + retried.id()
					+ " (type 'mail') failed attempt 1, retrying at 2030-01-02T03:04:05Z: Flaky 1");
			assertThat(log.messages(Level.ERROR))
				.containsExactly("Task " + failed.id() + " (type 'mail') ended FAILED after attempt 3: Broken 3");
		}
	}

	@Test
	void onlyRecordedOutcomesAreToldToTheListenerWithWhetherTheyTimedOut() {
		TaskOutcome.Failed timedOut = new TaskOutcome.Failed(UUID.randomUUID(), 1, 1L, null, "timed out after 1s",
				"timed out after 1s", RETRY_AT);
		TaskOutcome succeeded = new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"ok\"");
		TaskOutcome cancelled = new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"late\"");
		TaskOutcome poisoned = new TaskOutcome.Succeeded(UUID.randomUUID(), 1, 1L, null, "\"poison\"");
		this.stale = (outcome) -> outcome.equals(cancelled);
		this.refused = (outcome) -> outcome.equals(poisoned);
		this.completer.submit(timedOut, claimed(timedOut, "echo"), true, null);
		this.completer.submit(succeeded, claimed(succeeded, "echo"), false, null);
		this.completer.submit(cancelled, claimed(cancelled, "echo"), false, null);
		this.completer.submit(poisoned, claimed(poisoned, "echo"), true, null);
		this.completer.start("completer");
		await().until(() -> this.recorded.size() == 3);
		await().until(() -> this.listened.size() == 3);
		assertThat(this.listened).containsEntry(timedOut, true)
			.containsEntry(succeeded, false)
			.containsEntry(this.recorded.get(poisoned.id()), false)
			.doesNotContainKey(cancelled);
	}

	private static ClaimedTask claimed(TaskOutcome outcome, String type) {
		return new ClaimedTask(outcome.id(), type, "default", outcome.attempt(), outcome.claimToken(), 0, null,
				new TaskOptions(null, null, null, null, null, null, null), outcome.jobId(), Instant.now());
	}

	/** A store that refuses any batch holding a refused outcome, and records the others. */
	private TaskStore store() {
		return (TaskStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { TaskStore.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("complete")) {
						throw new UnsupportedOperationException(method.getName());
					}
					@SuppressWarnings("unchecked")
					List<TaskOutcome> outcomes = (List<TaskOutcome>) args[0];
					if (outcomes.stream().anyMatch(this.refused)) {
						throw new DataIntegrityViolationException("update", new SQLException(
								"value too long for type character varying", "22001"));
					}
					List<TaskOutcome> current = outcomes.stream().filter(this.stale.negate()).toList();
					current.forEach((outcome) -> this.recorded.put(outcome.id(), outcome));
					return new Completion(current, false);
				});
	}

}

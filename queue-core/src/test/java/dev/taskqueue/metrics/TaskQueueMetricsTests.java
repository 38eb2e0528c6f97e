package dev.taskqueue.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meters an engine records when given a registry.
 */
class TaskQueueMetricsTests {

	@Test
	void attemptsAreTimedByTypeAndOutcomeAndAFailureThatWillBeRetriedCountsAsRetried() {
		DataSource dataSource = TestDatabases.h2();
		TestDatabases.createSchema(dataSource, "h2", "TQ_");
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		TaskHandler<String> handler = (payload, context) -> {
			if ("bad".equals(payload)) {
				throw new IllegalArgumentException(payload);
			}
			return payload;
		};
		registry.register("check", handler, String.class, TaskTypeSettings.NONE, "test");
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		TaskQueueEngine engine = TaskQueueEngine.builder(dataSource, registry, JsonMapper.builder().build())
			.meterRegistry(meters)
			.build();
		engine.start();
		try {
			engine.queue().enqueue("check", "good");
			engine.queue().enqueue("check", "good");
			engine.queue().enqueue("check", "bad");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(meters.find(TaskQueueMetrics.TASK_DURATION)
					.tags("type", "check", "outcome", "succeeded")
					.timer()
					.count()).isEqualTo(2));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(meters.find(TaskQueueMetrics.TASK_DURATION)
					.tags("type", "check", "outcome", "retried")
					.timer()
					.count()).isEqualTo(1));
			assertThat(meters.find(TaskQueueMetrics.WORKER_ACTIVE).gauge()).isNotNull();
			assertThat(meters.find(TaskQueueMetrics.COMPLETIONS_PENDING).gauge()).isNotNull();
		}
		finally {
			engine.stop();
		}
	}

	@Test
	void aBatchIsCountedWithOneIncrementPerTypeAndQueue() {
		AtomicInteger increments = new AtomicInteger();
		SimpleMeterRegistry meters = new SimpleMeterRegistry() {

			@Override
			protected Counter newCounter(Meter.Id id) {
				Counter counter = super.newCounter(id);
				return new Counter() {

					@Override
					public void increment(double amount) {
						increments.incrementAndGet();
						counter.increment(amount);
					}

					@Override
					public double count() {
						return counter.count();
					}

					@Override
					public Meter.Id getId() {
						return counter.getId();
					}

				};
			}

		};
		TaskQueueMetrics metrics = TaskQueueMetrics.of(meters);
		List<NewTask> tasks = List.of(task("mail", "default"), task("mail", "default"), task("mail", "default"),
				task("mail", "bulk"), task("report", "default"));
		metrics.enqueued(tasks, tasks.stream().map(NewTask::id).toList());
		assertThat(increments).hasValue(3);
		assertThat(meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "mail", "queue", "default").counter().count())
			.isEqualTo(3);
		assertThat(meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "mail", "queue", "bulk").counter().count())
			.isEqualTo(1);
		assertThat(meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "report", "queue", "default").counter().count())
			.isEqualTo(1);
	}

	@Test
	void aTaskWhoseUniqueKeyWasHeldIsNotCounted() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		NewTask inserted = task("mail", "default");
		NewTask duplicate = task("mail", "default");
		TaskQueueMetrics.of(meters).enqueued(List.of(inserted, duplicate), List.of(inserted.id(), inserted.id()));
		assertThat(meters.get(TaskQueueMetrics.TASKS_ENQUEUED).tags("type", "mail", "queue", "default").counter().count())
			.isEqualTo(1);
	}

	private static NewTask task(String type, String queue) {
		Instant now = Instant.now();
		return new NewTask(UUID.randomUUID(), type, queue, 0, now, null, null,
				new TaskOptions(null, null, null, null, null, null, null), Set.of(), Set.of(), null, now);
	}

}

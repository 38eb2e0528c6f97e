package dev.taskqueue.metrics;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.engine.TaskQueueEngine;
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

}

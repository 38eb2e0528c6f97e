package dev.taskqueue.benchmark;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

/**
 * Builds TaskQueue engines over the benchmark's tables, through the public API only; the engine
 * detects the database from the DataSource.
 */
final class TaskQueueSide {

	static final String TYPE = "noop";

	static final ObjectMapper MAPPER = JsonMapper.builder().build();

	private TaskQueueSide() {
	}

	/** A registry with one no-op type whose handler runs the given action. */
	static TaskTypeRegistry registry(Runnable onRun) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		TaskHandler<Object> handler = (payload, context) -> {
			onRun.run();
			return null;
		};
		registry.register(TYPE, handler, null, TaskTypeSettings.NONE, "benchmark no-op handler");
		return registry;
	}

	static TaskQueueEngine.Builder engine(DataSource dataSource, TaskTypeRegistry registry, String workerId) {
		return TaskQueueEngine.builder(dataSource, registry, MAPPER)
			.tablePrefix(Db.PREFIX)
			.workerId(workerId)
			.shutdownTimeout(Duration.ofSeconds(5));
	}

	/** A node that only enqueues. */
	static TaskQueueEngine producer(DataSource dataSource, TaskTypeRegistry registry) {
		TaskQueueEngine engine = engine(dataSource, registry, "bench-producer").workerEnabled(false).build();
		engine.start();
		return engine;
	}

}

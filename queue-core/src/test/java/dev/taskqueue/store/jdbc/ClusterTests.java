package dev.taskqueue.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskHandler;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several nodes on one PostgreSQL database: every task runs exactly once.
 */
class ClusterTests {

	private static final int TASKS = 3000;

	private static final int NODES = 3;

	private final DataSource dataSource = TestDatabases.postgres();

	private final String prefix = TestDatabases.uniqueTablePrefix();

	private final List<TaskQueueEngine> nodes = new ArrayList<>();

	private final ConcurrentLinkedQueue<UUID> ran = new ConcurrentLinkedQueue<>();

	private final Map<String, Integer> ranPerNode = new ConcurrentHashMap<>();

	@BeforeEach
	void createSchema() {
		TestDatabases.createSchema(this.dataSource, "postgresql", this.prefix);
	}

	@AfterEach
	void dropSchema() {
		this.nodes.forEach(TaskQueueEngine::stop);
		TestDatabases.dropSchema(this.dataSource, "postgresql", this.prefix);
	}

	@Test
	void threeNodesRunEveryTaskExactlyOnce() {
		for (int i = 0; i < NODES; i++) {
			this.nodes.add(node("node-" + i));
		}
		List<TaskRequest> requests = new ArrayList<>();
		for (int i = 0; i < TASKS; i++) {
			requests.add(TaskRequest.of("work", i));
		}
		for (int i = 0; i < NODES; i++) {
			this.nodes.get(i).queue().enqueueAll(requests.subList(i * TASKS / NODES, (i + 1) * TASKS / NODES));
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> succeeded() == TASKS);
		assertThat(this.ran).hasSize(TASKS);
		assertThat(new HashSet<>(this.ran)).hasSize(TASKS);
		assertThat(this.ranPerNode).hasSize(NODES);
	}

	@Test
	void dependentTasksRunInOrderAcrossNodes() {
		for (int i = 0; i < NODES; i++) {
			this.nodes.add(node("node-" + i));
		}
		List<TaskRequest> chain = new ArrayList<>();
		TaskRequest previous = null;
		for (int i = 0; i < 30; i++) {
			TaskRequest.Builder step = TaskRequest.builder("work").payload(i);
			previous = (previous != null) ? step.after(previous).build() : step.build();
			chain.add(previous);
		}
		this.nodes.get(0).queue().enqueueAll(chain);
		await().atMost(Duration.ofSeconds(60)).until(() -> succeeded() == chain.size());
		assertThat(new ArrayList<>(this.ran)).containsExactlyElementsOf(chain.stream().map(TaskRequest::id).toList());
	}

	private TaskQueueEngine node(String name) {
		TaskTypeRegistry registry = new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE);
		TaskHandler<Integer> handler = (payload, context) -> {
			this.ran.add(context.taskId());
			this.ranPerNode.merge(name, 1, Integer::sum);
			return payload;
		};
		registry.register("work", handler, Integer.class, TaskTypeSettings.NONE, "cluster handler");
		TaskQueueEngine engine = TaskQueueEngine.builder(this.dataSource, registry, JsonMapper.builder().build())
			.tablePrefix(this.prefix)
			.workerId(name)
			.concurrency(4)
			.batchSize(20)
			.pollInterval(Duration.ofMillis(100))
			.build();
		engine.start();
		return engine;
	}

	private int succeeded() {
		return new JdbcTemplate(this.dataSource).queryForObject(
				"SELECT COUNT(*) FROM " + this.prefix + "TASK WHERE status = 'SUCCEEDED'", Integer.class);
	}

}

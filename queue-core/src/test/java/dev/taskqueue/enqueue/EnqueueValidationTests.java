package dev.taskqueue.enqueue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.taskqueue.JobRequest;
import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.testsupport.TestDatabases;
import dev.taskqueue.testsupport.TestNodes;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What enqueue refuses before anything is written: payloads that the handler cannot take, and
 * durations beyond their bounds. The checks run before the database is reached, so one
 * database shows them.
 */
class EnqueueValidationTests {

	private TestNodes nodes;

	private TaskQueue queue;

	@BeforeEach
	void startNode() {
		this.nodes = new TestNodes(TestDatabases.h2());
		this.nodes.registry()
			.register("order", (payload, context) -> payload, Order.class, true, TaskTypeSettings.NONE, "order handler");
		this.nodes.registry()
			.register("note", (payload, context) -> payload, String.class, false, TaskTypeSettings.NONE, "note handler");
		this.queue = this.nodes.start((builder) -> builder.workerEnabled(false)).queue();
	}

	@AfterEach
	void stopNode() {
		this.nodes.close();
	}

	@Test
	void payloadThatDoesNotBindIsRejectedNamingTheTypeAndTheFieldAndNothingIsWritten() {
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> this.queue.enqueue("order", Map.of("item", "book", "quantity", "many")))
			.withMessageStartingWith("Payload of task type 'order' does not bind to " + Order.class.getName()
					+ ": field 'quantity': ");
		assertThat(this.nodes.count(null)).isZero();
	}

	@Test
	void missingPayloadOfAHandlerThatRequiresOneIsRejectedNamingTheTypeAndNothingIsWritten() {
		assertThatExceptionOfType(TaskPayloadException.class).isThrownBy(() -> this.queue.enqueue("order", null))
			.withMessage("Task type 'order' requires a payload: its handler takes a " + Order.class.getName());
		assertThat(this.nodes.count(null)).isZero();
	}

	@Test
	void missingPayloadOfAHandlerThatDoesNotRequireOneIsAccepted() {
		this.queue.enqueue("note", null);
		assertThat(this.nodes.count(null)).isOne();
	}

	@Test
	void oneBadPayloadRejectsTheWholeBatchJobAndAddition() {
		TaskRequest good = TaskRequest.of("order", new Order("book", 1));
		TaskRequest bad = TaskRequest.of("order", Map.of("quantity", List.of()));
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> this.queue.enqueueAll(List.of(good, bad)))
			.withMessageContaining("field 'quantity'");
		JobRequest badTask = JobRequest.builder("orders").tasks(good, bad).build();
		assertThatExceptionOfType(TaskPayloadException.class).isThrownBy(() -> this.queue.startJob(badTask))
			.withMessageContaining("field 'quantity'");
		assertThat(this.queue.findJob(badTask.id())).isEmpty();
		JobRequest badCallback = JobRequest.builder("orders")
			.tasks(TaskRequest.of("order", new Order("book", 1)))
			.onSuccess(TaskRequest.of("order", null))
			.build();
		// Without a payload of its own, a callback receives the job id, which is no order
		assertThatExceptionOfType(TaskPayloadException.class).isThrownBy(() -> this.queue.startJob(badCallback))
			.withMessageStartingWith("Payload of task type 'order' does not bind to " + Order.class.getName());
		assertThat(this.queue.findJob(badCallback.id())).isEmpty();
		assertThat(this.nodes.count(null)).isZero();
		UUID job = this.queue.startJob(JobRequest.builder("orders").tasks(good).build()).id();
		assertThatExceptionOfType(TaskPayloadException.class)
			.isThrownBy(() -> this.queue.addToJob(job, List.of(TaskRequest.of("order", new Order("pen", 2)), bad)))
			.withMessageContaining("field 'quantity'");
		assertThat(this.nodes.count(null)).isOne();
	}

	@Test
	void durationBeyondTheMaximumIsRejectedNamingTheOptionAndTheType() {
		Duration threeCenturies = Duration.ofDays(300 * 365);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TaskRequest.builder("order").heartbeat(threeCenturies))
			.withMessage("Invalid option of a task of type 'order': 'heartbeat' must be at most 365 days");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.builder("order").timeout(threeCenturies))
			.withMessage("Invalid option of a task of type 'order': 'timeout' must be at most 365 days");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TaskRequest.builder("order").retryDelay(Duration.ofSeconds(1), 2, threeCenturies))
			.withMessage("Invalid option of a task of type 'order': 'retryMaxDelay' must be at most 365 days");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TaskRequest.builder("order").retryDelay(Duration.ofSeconds(1), Double.POSITIVE_INFINITY,
					Duration.ofHours(1)))
			.withMessageContaining("'retryBackoff' must be a finite number");
		assertThat(TaskRequest.builder("order").heartbeat(TaskOptions.MAX_DURATION).build().options().heartbeat())
			.isEqualTo(Duration.ofDays(365));
	}

	@Test
	void delayOrRunAtBeyondTheLatestRunAtIsRejectedNamingTheOptionAndTheTypeAndNothingIsWritten() {
		TaskRequest delayed = TaskRequest.builder("order")
			.payload(new Order("book", 1))
			.delay(Duration.ofSeconds(Long.MAX_VALUE))
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> this.queue.enqueue(delayed))
			.withMessage("'delay' of a task of type 'order' must not make it due after 9999-12-31T23:59:59Z");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TaskRequest.builder("order").runAt(Instant.MAX).build())
			.withMessage("'runAt' of a task of type 'order' must not be after 9999-12-31T23:59:59Z");
		assertThat(this.nodes.count(null)).isZero();
		this.queue.enqueue(TaskRequest.builder("order")
			.payload(new Order("book", 1))
			.runAt(Instant.now().plus(3000 * 365, ChronoUnit.DAYS))
			.build());
		assertThat(this.nodes.count(null)).isOne();
	}

	@Test
	void aPayloadParameterIsRequiredUnlessNullableOptionalOrJsonValue() throws NoSuchMethodException {
		assertThat(requiresPayload("required", Order.class)).isTrue();
		assertThat(requiresPayload("primitive", int.class)).isTrue();
		assertThat(requiresPayload("nullable", Order.class)).isFalse();
		assertThat(requiresPayload("optional", Optional.class)).isFalse();
		assertThat(requiresPayload("json", JsonValue.class)).isFalse();
	}

	private static boolean requiresPayload(String method, Class<?> payloadType) throws NoSuchMethodException {
		return TaskTypeRegistry
			.requiresPayload(Handlers.class.getMethod(method, payloadType, TaskContext.class).getParameters()[0]);
	}

	record Order(String item, int quantity) {
	}

	static class Handlers {

		public void required(Order order, TaskContext context) {
		}

		public void primitive(int count, TaskContext context) {
		}

		public void nullable(@Nullable Order order, TaskContext context) {
		}

		public void optional(Optional<Order> order, TaskContext context) {
		}

		public void json(JsonValue payload, TaskContext context) {
		}

	}

}

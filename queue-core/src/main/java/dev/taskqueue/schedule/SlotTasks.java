package dev.taskqueue.schedule;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.StoredSchedule;

/**
 * Turns a schedule's slots into tasks through the enqueue path: the type's queue and
 * priority unless the schedule sets them, the payload checked against the handler.
 */
final class SlotTasks {

	private final RequestResolver resolver;

	private final PayloadCodec codec;

	SlotTasks(RequestResolver resolver, PayloadCodec codec) {
		this.resolver = resolver;
		this.codec = codec;
	}

	/**
	 * Return the task of a slot.
	 * @param schedule the schedule
	 * @param slot the slot's instant
	 * @param parent the task it runs after, even if that fails, or {@code null}
	 * @param now the current time, when the task is due
	 * @return the task, with its slot
	 */
	NewTask task(StoredSchedule schedule, Instant slot, @Nullable UUID parent, Instant now) {
		TaskRequest.Builder request = TaskRequest.builder(schedule.type()).payload(payload(schedule.payload()));
		if (schedule.queue() != null) {
			request.queue(schedule.queue());
		}
		if (schedule.priority() != null) {
			request.priority(schedule.priority());
		}
		if (parent != null) {
			request.afterEvenIfFailed(parent);
		}
		return this.resolver.task(request.build(), null, now).forSlot(new ScheduleSlot(schedule.name(), slot));
	}

	/** A stored payload as a tree, which is written back as the same JSON. */
	@Nullable Object payload(@Nullable String json) {
		return (json != null) ? this.codec.read(json, JsonNode.class) : null;
	}

}

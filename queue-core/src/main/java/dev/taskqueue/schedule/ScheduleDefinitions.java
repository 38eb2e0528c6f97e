package dev.taskqueue.schedule;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.UnknownTaskTypeException;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Checks schedule definitions against the task types, before anything is written, and turns
 * them into rows and back.
 */
final class ScheduleDefinitions {

	private final TaskTypeRegistry registry;

	private final RequestResolver resolver;

	private final SlotTasks tasks;

	ScheduleDefinitions(TaskTypeRegistry registry, RequestResolver resolver, SlotTasks tasks) {
		this.registry = registry;
		this.resolver = resolver;
		this.tasks = tasks;
	}

	/** Whether two rows define the same schedule, whatever their state. */
	static boolean sameDefinition(StoredSchedule a, StoredSchedule b) {
		return a.type().equals(b.type()) && Objects.equals(a.payload(), b.payload())
				&& Objects.equals(a.queue(), b.queue()) && Objects.equals(a.priority(), b.priority())
				&& Objects.equals(a.cron(), b.cron()) && Objects.equals(a.fixedRate(), b.fixedRate())
				&& a.zone().equals(b.zone()) && a.paused() == b.paused() && a.misfire().equals(b.misfire())
				&& a.overlap() == b.overlap();
	}

	/**
	 * Check a definition and turn it into a row, its next slot computed from now.
	 * @throws UnknownTaskTypeException naming the schedule, if no handler runs its type
	 * @throws TaskPayloadException naming the schedule, if its payload cannot be written or
	 * does not bind to the handler's parameter
	 */
	StoredSchedule stored(ScheduleRequest request, boolean declared, Instant createdAt, Instant now) {
		String name = request.name();
		try {
			this.registry.get(request.type());
		}
		catch (UnknownTaskTypeException ex) {
			throw new UnknownTaskTypeException("'type' of schedule '" + name + "' is invalid: " + ex.getMessage(), ex);
		}
		StoredSchedule stored = new StoredSchedule(name, request.type(), null, request.queue(), request.priority(),
				request.cron(), request.fixedRate(), request.zone(), request.paused(), request.misfire(), request.overlap(), declared,
				null, null, 0, createdAt);
		String payload;
		try {
			payload = this.resolver.json(request.payload(), "Payload");
			NewTask probe = this.tasks.task(withPayload(stored, payload, null), now, null, now);
			payload = probe.payload();
		}
		catch (TaskPayloadException ex) {
			throw new TaskPayloadException("'payload' of schedule '" + name + "' is invalid: " + ex.getMessage(), ex);
		}
		Instant next = Cadence.of(stored).next(now);
		return withPayload(stored, payload, next);
	}

	private static StoredSchedule withPayload(StoredSchedule s, @Nullable String payload, @Nullable Instant next) {
		return new StoredSchedule(s.name(), s.type(), payload, s.queue(), s.priority(), s.cron(), s.fixedRate(),
				s.zone(), s.paused(), s.misfire(), s.overlap(), s.declared(), s.lastSlot(), next, s.version(),
				s.createdAt());
	}

	/** The definition of a row, its payload as a JSON tree. */
	ScheduleRequest definition(StoredSchedule s) {
		return new ScheduleRequest(s.name(), s.type(), this.tasks.payload(s.payload()), s.queue(), s.priority(),
				s.cron(), s.fixedRate(), s.zone(), s.paused(), s.misfire(), s.overlap());
	}

}

package dev.taskqueue.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.Assert;

import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.store.jdbc.JdbcScheduleStore;

/**
 * Keeps the schedules declared in code and configuration in step with their declarations
 * when a node starts.
 */
final class DeclarationSync {

	private static final Log logger = LogFactory.getLog(DeclarationSync.class);

	private final JdbcScheduleStore store;

	private final ScheduleDefinitions definitions;

	private final Clock clock;

	DeclarationSync(JdbcScheduleStore store, ScheduleDefinitions definitions, Clock clock) {
		this.store = store;
		this.definitions = definitions;
		this.clock = clock;
	}

	/**
	 * Bring the declared schedules in step with their declarations, in one transaction:
	 * create the new ones, update the changed ones (their pause too), and delete those no
	 * longer declared. Every declaration is checked before anything is written; schedules
	 * created through the API are never touched. Nodes starting at once may each do part of
	 * it; a schedule another node created or changed meanwhile is left as that node wrote it.
	 * @param declarations the declared schedules
	 * @throws IllegalArgumentException if a declaration is invalid, a name is declared twice, or
	 * a schedule created through the API has a declared schedule's name
	 */
	void declare(Collection<ScheduleRequest> declarations) {
		Instant now = this.clock.instant();
		Map<String, StoredSchedule> declared = new LinkedHashMap<>();
		for (ScheduleRequest request : declarations) {
			Assert.isTrue(!declared.containsKey(request.name()),
					() -> "Schedule '" + request.name() + "' is declared twice");
			declared.put(request.name(), this.definitions.stored(request, true, now, now));
		}
		Map<String, StoredSchedule> existing = new LinkedHashMap<>();
		this.store.list().forEach((schedule) -> existing.put(schedule.name(), schedule));
		for (String name : declared.keySet()) {
			StoredSchedule current = existing.get(name);
			if (current != null && !current.declared()) {
				throw new IllegalArgumentException("Schedule '" + name + "' is declared, but a schedule of that name "
						+ "was created through the API: delete that one, or rename the declared one");
			}
		}
		this.store.inOneTransaction(() -> {
			for (StoredSchedule schedule : declared.values()) {
				StoredSchedule current = existing.get(schedule.name());
				if (current == null) {
					if (this.store.create(schedule, now)) {
						logger.info("Created declared schedule '" + schedule.name() + "'");
					}
				}
				else if (!ScheduleDefinitions.sameDefinition(current, schedule)) {
					StoredSchedule changed = this.definitions.stored(this.definitions.definition(schedule), true,
							current.createdAt(), now);
					if (this.store.update(changed, current.version(), now)) {
						logger.info("Updated declared schedule '" + schedule.name() + "'");
					}
				}
			}
			for (StoredSchedule schedule : existing.values()) {
				if (schedule.declared() && !declared.containsKey(schedule.name())
						&& this.store.delete(schedule.name(), schedule.version())) {
					logger.info("Deleted schedule '" + schedule.name() + "': it is no longer declared");
				}
			}
		});
	}

}

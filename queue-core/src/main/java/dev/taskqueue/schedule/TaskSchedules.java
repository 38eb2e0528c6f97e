package dev.taskqueue.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.taskqueue.TaskPayloadException;
import dev.taskqueue.TaskRef;
import dev.taskqueue.UnknownTaskTypeException;

/**
 * Reads and changes the cluster's schedules. Schedules live in the database: a change made on
 * one node takes effect on every node within one poll interval, and each slot becomes exactly
 * one task whatever the number of nodes.
 *
 * @since 0.1.0
 */
public interface TaskSchedules {

	/**
	 * List every schedule, by name.
	 * @return the schedules
	 */
	List<Schedule> list();

	/**
	 * Find a schedule by name.
	 * @param name the schedule's name
	 * @return the schedule, or empty if there is none of that name
	 */
	Optional<Schedule> find(String name);

	/**
	 * Create a schedule; it is kept across restarts and never removed by startup.
	 * @param request the schedule
	 * @return the schedule as stored
	 * @throws IllegalArgumentException if a schedule of that name exists, or the zone or a
	 * policy is invalid
	 * @throws UnknownTaskTypeException if no handler runs tasks of the type
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 */
	Schedule create(ScheduleRequest request);

	/**
	 * Replace a schedule's definition (cron or rate, zone, payload, policies); its fired slots
	 * are kept, and its next slot is computed from now.
	 * @param request the new definition, naming the schedule
	 * @return the schedule as stored
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 * @throws UnknownTaskTypeException if no handler runs tasks of the type
	 * @throws TaskPayloadException if the payload cannot be written as JSON
	 */
	Schedule update(ScheduleRequest request);

	/**
	 * Stop firing a schedule's slots until it is resumed; slots due meanwhile are skipped.
	 * @param name the schedule's name
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 */
	void pause(String name);

	/**
	 * Fire a paused schedule's slots again, from the next one to come.
	 * @param name the schedule's name
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 */
	void resume(String name);

	/**
	 * Fire a task of the schedule now, for a slot at the current time (the database's, to the
	 * millisecond), outside its cadence: its overlap policy does not apply, and a paused
	 * schedule fires too.
	 * @param name the schedule's name
	 * @return the task
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 */
	TaskRef trigger(String name);

	/**
	 * Fire the schedule's slots in a range that have not been fired yet, in one transaction: a
	 * slot whose record is kept is never fired twice. A slot's record goes when retention
	 * deletes its task, so backfill ranges whose tasks are still kept. Its overlap policy does
	 * not apply, and a paused schedule fires too.
	 * @param name the schedule's name
	 * @param from the first instant of the range, inclusive
	 * @param to the last instant of the range, exclusive
	 * @return the tasks of the slots fired now, oldest slot first
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 * @throws IllegalArgumentException if {@code to} is before {@code from}, or the range holds
	 * more than 10,000 slots
	 */
	List<TaskRef> backfill(String name, Instant from, Instant to);

	/**
	 * Read a schedule's fired slots, latest first.
	 * @param name the schedule's name
	 * @param limit the most slots to return
	 * @return the fired slots and their tasks
	 * @throws ScheduleNotFoundException if there is no schedule of that name
	 */
	List<ScheduleRun> history(String name, int limit);

	/**
	 * Delete a schedule and the record of its fired slots; its tasks already fired are kept.
	 * @param name the schedule's name
	 * @return {@code true} if it existed
	 */
	boolean delete(String name);

}

package dev.taskqueue.sample.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.TaskRef;
import dev.taskqueue.schedule.Schedule;
import dev.taskqueue.schedule.ScheduleRequest;
import dev.taskqueue.schedule.ScheduleRun;
import dev.taskqueue.schedule.TaskSchedules;

/**
 * List the cluster's schedules with their last run and next slots, and fire, pause or resume
 * one, from any node.
 */
@RestController
@RequestMapping("/schedules")
public class ScheduleController {

	private final TaskSchedules schedules;

	public ScheduleController(TaskSchedules schedules) {
		this.schedules = schedules;
	}

	/**
	 * List the schedules.
	 * @return the schedules
	 */
	@GetMapping
	public List<ScheduleView> list() {
		return this.schedules.list().stream().map(ScheduleView::of).toList();
	}

	/**
	 * Read a schedule's fired slots, latest first.
	 * @param name the schedule's name
	 * @return its last 20 slots and their tasks
	 */
	@GetMapping("/{name}/history")
	public List<ScheduleRun> history(@PathVariable String name) {
		return this.schedules.history(name, 20);
	}

	/**
	 * Fire a task of the schedule now, outside its cadence.
	 * @param name the schedule's name
	 * @return the task
	 */
	@PostMapping("/{name}/trigger")
	public TaskRef trigger(@PathVariable String name) {
		return this.schedules.trigger(name);
	}

	/**
	 * Pause a schedule on every node.
	 * @param name the schedule's name
	 */
	@PostMapping("/{name}/pause")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void pause(@PathVariable String name) {
		this.schedules.pause(name);
	}

	/**
	 * Resume a paused schedule, from its next slot to come.
	 * @param name the schedule's name
	 */
	@PostMapping("/{name}/resume")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void resume(@PathVariable String name) {
		this.schedules.resume(name);
	}

	/**
	 * A schedule as the sample shows it.
	 * @param name the schedule's name
	 * @param type the task type it fires
	 * @param cron its cron expression, or {@code null}
	 * @param fixedRate its rate, or {@code null}
	 * @param zone the zone its cron expression is read in
	 * @param paused whether it is paused
	 * @param declared whether code or configuration declares it
	 * @param lastRun its latest fired slot and that slot's task, or {@code null}
	 * @param nextSlots its next five slots
	 */
	public record ScheduleView(String name, String type, @Nullable String cron, @Nullable Duration fixedRate,
			String zone, boolean paused, boolean declared, @Nullable ScheduleRun lastRun, List<Instant> nextSlots) {

		static ScheduleView of(Schedule schedule) {
			ScheduleRequest definition = schedule.definition();
			return new ScheduleView(schedule.name(), definition.type(), definition.cron(), definition.fixedRate(),
					definition.zone().getId(), schedule.paused(), schedule.declared(), schedule.lastRun(),
					schedule.nextSlots());
		}

	}

}

package dev.taskqueue.sample.web;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import dev.taskqueue.JobRef;
import dev.taskqueue.sample.reminders.ReminderService;

/**
 * Remind customers of their baskets: starts a job that a planner fills in chunks.
 */
@RestController
@RequestMapping("/jobs/reminders")
public class ReminderController {

	private final ReminderService reminderService;

	public ReminderController(ReminderService reminderService) {
		this.reminderService = reminderService;
	}

	/**
	 * Start a job that reminds the given number of customers.
	 * @param customers how many customers to remind, from 1 to 100,000
	 * @return 202 with the job's id and name, and its progress, {@code /jobs/{id}}, as location
	 */
	@PostMapping
	public ResponseEntity<JobRef> remind(@RequestParam(defaultValue = "1000") int customers) {
		JobRef job = this.reminderService.remindCustomers(customers);
		URI progress = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/jobs/{id}")
			.buildAndExpand(job.id())
			.toUri();
		return ResponseEntity.accepted().location(progress).body(job);
	}

}

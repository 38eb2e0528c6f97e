package dev.taskqueue.sample.reminders;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.JobState;
import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.sample.reminders.ReminderPayloads.Reminder;
import dev.taskqueue.sample.reminders.ReminderPayloads.ReminderBatch;
import dev.taskqueue.sample.reminders.ReminderPayloads.ReminderPlan;

/**
 * The tasks of a reminder job (see {@link ReminderService}): its planner, one reminder, and
 * the callback that runs once the job has succeeded.
 */
@Component
public class ReminderTasks {

	private static final Logger logger = LoggerFactory.getLogger(ReminderTasks.class);

	private final TaskQueue taskQueue;

	public ReminderTasks(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Add the next chunk of reminders to the job, and run again for the chunk after it while
	 * there is one. What is added, the next run and the job's result are written with this
	 * run's success, in one transaction: should the run fail, nothing is added, and its retry
	 * adds the same chunk.
	 * @param batch the cursor: where the chunk starts
	 * @param context the running planner
	 */
	@Task("plan-reminders")
	public void planReminders(ReminderBatch batch, TaskContext context) {
		int to = Math.min(batch.from() + ReminderService.CHUNK_SIZE, batch.customers());
		List<TaskRequest> reminders = IntStream.range(batch.from(), to)
			.mapToObj((customer) -> TaskRequest.of("send-reminder", new Reminder(email(customer))))
			.toList();
		context.addToJob(reminders);
		if (to < batch.customers()) {
			context.planNext(new ReminderBatch(to, batch.customers()));
		}
		else {
			int chunks = (batch.customers() + ReminderService.CHUNK_SIZE - 1) / ReminderService.CHUNK_SIZE;
			context.setJobResult(new ReminderPlan(batch.customers(), chunks));
		}
		logger.info("Planned reminders {} to {} of {} (job {})", batch.from() + 1, to, batch.customers(),
				context.jobId());
	}

	/**
	 * Remind one customer of their basket.
	 * @param reminder whom to remind
	 */
	@Task("send-reminder")
	public void sendReminder(Reminder reminder) {
		logger.debug("Reminded {} of the articles in their basket", reminder.customer());
	}

	/**
	 * Report a reminder job that has succeeded: its on-success callback. It is no task of the
	 * job; having no payload of its own, it receives the job id.
	 * @param jobId the job
	 */
	@Task("reminders-sent")
	public void remindersSent(UUID jobId) {
		JobState job = this.taskQueue.findJob(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
		ReminderPlan plan = job.result(ReminderPlan.class);
		Duration took = Duration.between(job.createdAt(), job.finishedAt());
		logger.info("Sent {} reminders in {} chunks, in {} ms (job {})", (plan != null) ? plan.reminders() : 0,
				(plan != null) ? plan.chunks() : 0, took.toMillis(), jobId);
	}

	private static String email(int customer) {
		return "customer-%06d@example.com".formatted(customer + 1);
	}

}

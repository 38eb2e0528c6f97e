package dev.taskqueue.sample.reminders;

import org.springframework.stereotype.Service;
import org.springframework.util.Assert;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.sample.reminders.ReminderPayloads.ReminderBatch;

/**
 * Starts jobs that remind customers of what they left in their basket: one {@code send-reminder}
 * task per customer, added {@value #CHUNK_SIZE} at a time by a planner, so that reminding a
 * hundred thousand customers is no single huge transaction.
 * <pre>
 * plan-reminders ──▶ 500 × send-reminder ─┐
 *   └─ plan next ──▶ 500 × send-reminder ─┼──▶ (job SUCCEEDED) ──▶ reminders-sent
 *        └─ ...                           ┘
 * </pre>
 */
@Service
public class ReminderService {

	/** How many reminders the planner adds each time it runs. */
	static final int CHUNK_SIZE = 500;

	/** The most customers one job reminds. */
	static final int MAX_CUSTOMERS = 100_000;

	private final TaskQueue taskQueue;

	public ReminderService(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Start a job that reminds the given number of customers. The job starts with its planner
	 * alone; it says how many tasks it will have, so that its progress rises steadily while
	 * they are being added. Once every reminder has gone out, {@code reminders-sent} runs
	 * with the job id as its payload.
	 * @param customers how many customers to remind, from 1 to 100,000
	 * @return the job
	 */
	public JobRef remindCustomers(int customers) {
		Assert.isTrue(customers > 0 && customers <= MAX_CUSTOMERS,
				() -> "Customers must be between 1 and " + MAX_CUSTOMERS + ", not " + customers);
		JobRequest request = JobRequest.builder("Remind %d customers".formatted(customers))
			.planner(TaskRequest.of("plan-reminders", new ReminderBatch(0, customers)))
			.expectedTasks(customers)
			// No payload: a callback without one receives the job id
			.onSuccess(TaskRequest.builder("reminders-sent").build())
			.build();
		return this.taskQueue.startJob(request);
	}

}

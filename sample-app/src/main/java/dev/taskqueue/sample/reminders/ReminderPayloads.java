package dev.taskqueue.sample.reminders;

/**
 * Payloads and results of the reminder tasks.
 */
public final class ReminderPayloads {

	private ReminderPayloads() {
	}

	/**
	 * Payload of {@code plan-reminders}: the cursor of the next chunk to add.
	 *
	 * @param from the first customer of the chunk, counting from 0
	 * @param customers how many customers the job reminds in all
	 */
	public record ReminderBatch(int from, int customers) {

	}

	/**
	 * Payload of {@code send-reminder}.
	 *
	 * @param customer the customer's e-mail address
	 */
	public record Reminder(String customer) {

	}

	/**
	 * The result of a reminder job, set by its planner once it has added the last chunk.
	 *
	 * @param reminders how many reminders the job sends
	 * @param chunks how many chunks the planner added them in
	 */
	public record ReminderPlan(int reminders, int chunks) {

	}

}

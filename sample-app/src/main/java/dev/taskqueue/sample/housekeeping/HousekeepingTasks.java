package dev.taskqueue.sample.housekeeping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.taskqueue.TaskContext;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.schedule.ScheduleSlot;

/**
 * Recurring work: tasks fired by schedules. Each slot of a schedule becomes one task, however
 * many instances of the service run.
 */
@Component
public class HousekeepingTasks {

	private static final Logger logger = LoggerFactory.getLogger(HousekeepingTasks.class);

	/**
	 * Check the stock levels, every 10 seconds. The cron expression declares a schedule named
	 * after the task type; {@code taskqueue.schedules.stock-check.*} in {@code application.yml}
	 * overrides what is declared here.
	 * @param context the running task
	 */
	@Task(value = "stock-check", queue = "fulfilment", cron = "*/10 * * * * *")
	public void checkStock(TaskContext context) {
		ScheduleSlot slot = context.scheduleSlot();
		logger.info("Checked the stock levels for the slot of {} (task {})", (slot != null) ? slot.slot() : "now",
				context.taskId());
	}

	/**
	 * Send a sales report, on the schedule that {@code application.yml} declares under
	 * {@code taskqueue.schedules.daily-sales-report}, with the payload it sets there.
	 * @param report what to report and to whom
	 */
	@Task(value = "sales-report", queue = "notifications")
	public void sendSalesReport(SalesReport report) {
		logger.info("Sent the sales report in {} to {}", report.currency(), report.recipient());
	}

	/**
	 * The payload of a sales report.
	 * @param currency the currency the figures are in
	 * @param recipient whom the report goes to
	 */
	public record SalesReport(String currency, String recipient) {
	}

}

package dev.taskqueue.sample.demo;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.sample.demo.ReindexTasks.Shard;
import dev.taskqueue.sample.fulfilment.Order;
import dev.taskqueue.sample.fulfilment.Order.OrderLine;
import dev.taskqueue.sample.fulfilment.OrderService;
import dev.taskqueue.sample.reminders.ReminderService;

/**
 * Gives the dashboard something to show when the sample starts ({@code sample.demo.enabled}):
 * three orders (one goes through, one after the payment gateway failed twice, one with a
 * declined card that fails its flow and compensates), a reminder job, and a search index
 * rebuild whose twelve shards report their progress for about half a minute.
 */
@Component
@ConditionalOnBooleanProperty("sample.demo.enabled")
class DemoWork implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(DemoWork.class);

	private static final int SHARDS = 12;

	private final OrderService orders;

	private final ReminderService reminders;

	private final TaskQueue taskQueue;

	DemoWork(OrderService orders, ReminderService reminders, TaskQueue taskQueue) {
		this.orders = orders;
		this.reminders = reminders;
		this.taskQueue = taskQueue;
	}

	@Override
	public void run(ApplicationArguments args) {
		List<OrderLine> book = List.of(new OrderLine("BOOK-42", 1));
		this.orders.place(new Order("ada@example.com", book, new BigDecimal("24.90"), 0));
		this.orders.place(new Order("grace@example.com", book, new BigDecimal("24.90"), 2));
		this.orders.place(new Order("bob@example.com", List.of(new OrderLine("PIANO-1", 1)), new BigDecimal("9999.00"), 0));
		this.reminders.remindCustomers(2000);
		this.taskQueue.startJob(JobRequest.builder("Rebuild the search index")
			.tasks(IntStream.rangeClosed(1, SHARDS).mapToObj((shard) -> TaskRequest.of("reindex-shard", new Shard(shard)))
				.toList())
			.build());
		logger.info("Demo work started: 3 orders, a reminder job and a search index rebuild; see them on the dashboard");
	}

}

package dev.taskqueue.sample.fulfilment;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.taskqueue.TaskContext;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.sample.fulfilment.Order.OrderLine;
import dev.taskqueue.sample.fulfilment.Payloads.Charge;
import dev.taskqueue.sample.fulfilment.Payloads.Notification;
import dev.taskqueue.sample.fulfilment.Payloads.Receipt;
import dev.taskqueue.sample.fulfilment.Payloads.Reservation;
import dev.taskqueue.sample.fulfilment.Payloads.StockRequest;

/**
 * Task handlers written as {@link Task @Task} methods. Their queue and priority come from
 * {@code queue.types} in {@code application.yml}.
 */
@Component
public class FulfilmentTasks {

	private static final Logger logger = LoggerFactory.getLogger(FulfilmentTasks.class);

	/**
	 * Reserve the ordered articles in the warehouse. Takes a record payload and the running
	 * task, and returns a result that is stored as JSON.
	 * @param request the articles to reserve
	 * @param context the running task
	 * @return the reservation
	 */
	@Task("reserve-stock")
	public Reservation reserveStock(StockRequest request, TaskContext context) {
		int items = request.lines().stream().mapToInt(OrderLine::quantity).sum();
		String reservationId = "RES-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
		logger.info("Reserved {} items for order {} as {} (task {}, attempt {})", items, request.orderId(),
				reservationId, context.taskId(), context.attempt());
		return new Reservation(request.orderId(), reservationId, items, context.attempt());
	}

	/**
	 * Charge the customer. Throws on the first attempt when asked to, as a payment gateway that
	 * is briefly down would: the task ends FAILED, and {@code POST /tasks/{id}/retry} runs it
	 * again.
	 * @param charge the charge
	 * @param context the running task
	 * @return the receipt
	 */
	@Task("charge-payment")
	public Receipt chargePayment(Charge charge, TaskContext context) {
		if (charge.simulateGatewayError() && context.attempt() == 1) {
			logger.warn("Payment gateway unavailable for order {} (task {}, attempt {})", charge.orderId(),
					context.taskId(), context.attempt());
			throw new IllegalStateException("Payment gateway unavailable (simulated); retry the task");
		}
		String transactionId = "TX-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
		logger.info("Charged {} for order {} as {} (task {}, attempt {})", charge.amount(), charge.orderId(),
				transactionId, context.taskId(), context.attempt());
		return new Receipt(charge.orderId(), charge.amount(), transactionId, context.attempt());
	}

	/**
	 * Tell the customer the parcel is on its way. Returns nothing: the task succeeds with no
	 * result.
	 * @param notification who to tell about which order
	 */
	@Task("notify-customer")
	public void notifyCustomer(Notification notification) {
		logger.info("Told {} that order {} has shipped", notification.customer(), notification.orderId());
	}

}

package dev.taskqueue.sample.fulfilment;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskState;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.annotation.Task;
import dev.taskqueue.sample.fulfilment.Order.OrderLine;
import dev.taskqueue.sample.fulfilment.Payloads.Charge;
import dev.taskqueue.sample.fulfilment.Payloads.Notification;
import dev.taskqueue.sample.fulfilment.Payloads.Receipt;
import dev.taskqueue.sample.fulfilment.Payloads.ReceiptRequest;
import dev.taskqueue.sample.fulfilment.Payloads.Reservation;
import dev.taskqueue.sample.fulfilment.Payloads.StockRequest;

/**
 * Task handlers written as {@link Task @Task} methods. Their queue, priority and retries come
 * from {@code taskqueue.types} in {@code application.yml}.
 */
@Component
public class FulfilmentTasks {

	private static final Logger logger = LoggerFactory.getLogger(FulfilmentTasks.class);

	private final PaymentGateway gateway;

	private final TaskQueue taskQueue;

	public FulfilmentTasks(PaymentGateway gateway, TaskQueue taskQueue) {
		this.gateway = gateway;
		this.taskQueue = taskQueue;
	}

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
	 * Charge the customer. The task id is the idempotency key of the charge: should the task
	 * run more than once (TaskQueue runs tasks at least once), the customer is charged once.
	 * <p>
	 * While the payment gateway is down ({@code gatewayFailures} attempts of the order, to
	 * simulate it) the attempt fails and TaskQueue retries it after the delays configured
	 * under {@code taskqueue.types.charge-payment}. A declined card fails the task at once:
	 * {@link PaymentDeclinedException} is listed in {@code no-retry-for}.
	 * @param charge the charge
	 * @param context the running task
	 * @return the receipt
	 */
	@Task("charge-payment")
	public Receipt chargePayment(Charge charge, TaskContext context) {
		if (context.attempt() <= charge.gatewayFailures()) {
			logger.warn("Payment gateway unavailable for order {} (task {}, attempt {})", charge.orderId(),
					context.taskId(), context.attempt());
			throw new PaymentGatewayUnavailableException(
					"Payment gateway unavailable (simulated outage, attempt " + context.attempt() + ")");
		}
		String transactionId = this.gateway.charge("charge-" + context.taskId(), charge.amount());
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

	/**
	 * E-mail the customer the receipt of an order. Enqueued with the order id as unique key
	 * (see {@link OrderService#requestReceipt}), so that asking again while it is pending sends
	 * one e-mail, not two.
	 * @param request which receipt, to whom
	 * @param context the running task
	 */
	@Task("send-receipt")
	public void sendReceipt(ReceiptRequest request, TaskContext context) {
		logger.info("Sent the receipt of order {} to {} (task {})", request.orderId(), request.customer(),
				context.taskId());
	}

	/**
	 * Undo what a failed order flow did: release the stock it reserved and refund the charge
	 * if it went through. The flow's on-failure callback (see {@link OrderService#place}): it
	 * runs once each time the flow's job fails, and, having no payload of its own, receives the
	 * job id, with which it reads the results of the tasks that succeeded.
	 * @param jobId the failed flow's job
	 */
	@Task("compensate-order")
	public void compensateOrder(UUID jobId) {
		for (TaskState task : this.taskQueue.findJobTasks(jobId, TaskStatus.SUCCEEDED, 0, 100)) {
			if (task.type().equals("reserve-stock")) {
				Reservation reservation = task.result(Reservation.class);
				logger.info("Released reservation {} of order {} (job {})", reservation.reservationId(),
						reservation.orderId(), jobId);
			}
			else if (task.type().equals("charge-payment")) {
				Receipt receipt = task.result(Receipt.class);
				this.gateway.refund(receipt.transactionId());
				logger.info("Refunded {} of order {} (job {})", receipt.transactionId(), receipt.orderId(), jobId);
			}
		}
	}

}

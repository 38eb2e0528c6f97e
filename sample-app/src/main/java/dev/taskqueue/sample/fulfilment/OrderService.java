package dev.taskqueue.sample.fulfilment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.taskqueue.JobRef;
import dev.taskqueue.JobRequest;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.sample.fulfilment.Payloads.Charge;
import dev.taskqueue.sample.fulfilment.Payloads.Notification;
import dev.taskqueue.sample.fulfilment.Payloads.OrderEvent;
import dev.taskqueue.sample.fulfilment.Payloads.ReceiptRequest;
import dev.taskqueue.sample.fulfilment.Payloads.Shipment;
import dev.taskqueue.sample.fulfilment.Payloads.StockRequest;

/**
 * Places orders: starts the fulfilment flow of one order, and sends receipts on request. The
 * flow is a job whose tasks depend on each other; should it fail, its on-failure callback
 * undoes what its tasks did.
 * <pre>
 * reserve-stock ──┐
 *                 ├──▶ ship-order ──▶ notify-customer
 * charge-payment ─┘
 *                 (job FAILED) ──▶ compensate-order
 * </pre>
 */
@Service
public class OrderService {

	/** How long after it is asked for a receipt goes out. */
	static final Duration RECEIPT_DELAY = Duration.ofSeconds(5);

	private final TaskQueue taskQueue;

	public OrderService(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Start the fulfilment flow of an order: a job of four tasks, written in one transaction.
	 * Starting a job joins the caller's transaction, so an application that also saves the
	 * order here gets both or neither. Should a task fail for good, the job fails once nothing
	 * else in it can run, and {@code compensate-order} runs with the job id as its payload.
	 * @param order the order
	 * @return the order id, its job, and its tasks, by type
	 */
	@Transactional
	public PlacedOrder place(Order order) {
		String orderId = "ORD-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
		TaskRequest reserve = TaskRequest.builder("reserve-stock")
			.payload(new StockRequest(orderId, order.lines()))
			.build();
		TaskRequest charge = TaskRequest.builder("charge-payment")
			.payload(new Charge(orderId, order.total(),
					(order.gatewayFailures() != null) ? order.gatewayFailures() : 0))
			.build();
		// Fan-in: ships once both parents have succeeded
		TaskRequest ship = TaskRequest.builder("ship-order")
			.payload(new Shipment(orderId, order.customer()))
			.after(reserve, charge)
			.build();
		// Chain: the customer hears about it once the parcel has shipped
		TaskRequest notify = TaskRequest.builder("notify-customer")
			.payload(new Notification(orderId, order.customer()))
			.after(ship)
			.build();
		List<TaskRequest> flow = List.of(reserve, charge, ship, notify);
		JobRef job = this.taskQueue.startJob(JobRequest.builder("Order " + orderId)
			.tasks(flow)
			// Without a payload of its own, the callback receives the job id
			.onFailure(TaskRequest.builder("compensate-order").build())
			.build());
		// A request's id is assigned when it is built: it is the id of the task
		Map<String, UUID> tasks = new LinkedHashMap<>();
		flow.forEach((request) -> tasks.put(request.type(), request.id()));
		return new PlacedOrder(orderId, job.id(), tasks);
	}

	/**
	 * Have the receipt of an order e-mailed to the customer, 5 seconds from now. The order id
	 * is the task's unique key: until that receipt has gone out, asking again returns the same
	 * task, on every node, so that a customer who clicks "resend" three times gets one e-mail.
	 * Once it has gone out, asking again sends another.
	 * @param orderId the order
	 * @param customer the customer's e-mail address
	 * @return the task that sends the receipt, and whether it was already requested
	 */
	public RequestedReceipt requestReceipt(String orderId, String customer) {
		TaskRequest request = TaskRequest.builder("send-receipt")
			.payload(new ReceiptRequest(orderId, customer))
			.key("receipt:" + orderId)
			.delay(RECEIPT_DELAY)
			.build();
		TaskRef ref = this.taskQueue.enqueue(request);
		// A request's id is assigned when it is built: another id means another task held the key
		return new RequestedReceipt(ref.id(), ref.type(), !ref.id().equals(request.id()));
	}

	/**
	 * Send the order's {@code order.shipped} event to its webhook: the task is an HTTP call
	 * whose URL takes the order id from the payload, signed, and retried while the receiver
	 * answers 5xx or cannot be reached.
	 * @param orderId the order
	 * @return the task that calls the webhook
	 */
	public TaskRef notifyWebhook(String orderId) {
		return this.taskQueue.enqueue("order-webhook", new OrderEvent(orderId, "order.shipped"));
	}

	/**
	 * An order whose fulfilment flow has started.
	 *
	 * @param orderId the order id
	 * @param jobId the id of the flow's job, to follow at {@code GET /jobs/{id}}
	 * @param tasks the id of each task of the flow, by task type
	 */
	public record PlacedOrder(String orderId, UUID jobId, Map<String, UUID> tasks) {

	}

	/**
	 * A receipt that will be sent.
	 *
	 * @param id the id of the task that sends it
	 * @param type the task type, {@code send-receipt}
	 * @param alreadyRequested whether the task existed already: the key was held by an
	 * unfinished task, and no other was enqueued
	 */
	public record RequestedReceipt(UUID id, String type, boolean alreadyRequested) {

	}

}

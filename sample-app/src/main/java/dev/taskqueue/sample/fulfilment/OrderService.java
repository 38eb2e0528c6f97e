package dev.taskqueue.sample.fulfilment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskRef;
import dev.taskqueue.TaskRequest;
import dev.taskqueue.sample.fulfilment.Payloads.Charge;
import dev.taskqueue.sample.fulfilment.Payloads.Notification;
import dev.taskqueue.sample.fulfilment.Payloads.Shipment;
import dev.taskqueue.sample.fulfilment.Payloads.StockRequest;

/**
 * Places orders: enqueues the fulfilment flow of one order.
 * <pre>
 * reserve-stock ──┐
 *                 ├──▶ ship-order ──▶ notify-customer
 * charge-payment ─┘
 * </pre>
 */
@Service
public class OrderService {

	private final TaskQueue taskQueue;

	public OrderService(TaskQueue taskQueue) {
		this.taskQueue = taskQueue;
	}

	/**
	 * Enqueue the fulfilment flow of an order. The four tasks are written in one transaction:
	 * enqueueing joins the caller's transaction, so an application that also saves the order
	 * here gets both or neither.
	 * @param order the order
	 * @return the order id and its tasks, by type
	 */
	@Transactional
	public PlacedOrder place(Order order) {
		String orderId = "ORD-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
		TaskRequest reserve = TaskRequest.builder("reserve-stock")
			.payload(new StockRequest(orderId, order.lines()))
			.build();
		TaskRequest charge = TaskRequest.builder("charge-payment")
			.payload(new Charge(orderId, order.total(), order.simulateGatewayError()))
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
		List<TaskRef> refs = this.taskQueue.enqueueAll(List.of(reserve, charge, ship, notify));
		Map<String, UUID> tasks = new LinkedHashMap<>();
		refs.forEach((ref) -> tasks.put(ref.type(), ref.id()));
		return new PlacedOrder(orderId, tasks);
	}

	/**
	 * An order whose fulfilment flow is enqueued.
	 *
	 * @param orderId the order id
	 * @param tasks the id of each task of the flow, by task type
	 */
	public record PlacedOrder(String orderId, Map<String, UUID> tasks) {

	}

}

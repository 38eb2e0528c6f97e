package dev.taskqueue.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.TaskRef;
import dev.taskqueue.sample.fulfilment.Order;
import dev.taskqueue.sample.fulfilment.OrderService;
import dev.taskqueue.sample.fulfilment.OrderService.PlacedOrder;
import dev.taskqueue.sample.fulfilment.OrderService.RequestedReceipt;

/**
 * Place an order: starts its fulfilment flow of dependent tasks, a job. Ask for its receipt:
 * enqueues one e-mail per order however often it is asked for while pending.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private final OrderService orderService;

	public OrderController(OrderService orderService) {
		this.orderService = orderService;
	}

	/**
	 * Place an order.
	 * @param order the order
	 * @return the order id, the id of its flow's job, and the id of each task of the flow
	 */
	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	public PlacedOrder place(@RequestBody Order order) {
		return this.orderService.place(order);
	}

	/**
	 * Have the receipt of an order e-mailed: {@code {"customer": "ada@example.com"}}.
	 * @param orderId the order
	 * @param request to whom
	 * @return the task that sends it, and whether it had been requested already
	 */
	@PostMapping("/{orderId}/receipt")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public RequestedReceipt receipt(@PathVariable String orderId, @RequestBody ReceiptRecipient request) {
		return this.orderService.requestReceipt(orderId, request.customer());
	}

	/**
	 * Tell the order's webhook that it shipped: a task of the {@code order-webhook} type, a
	 * signed HTTP call with no handler code (see application.yml), here to this application's
	 * own receiver.
	 * @param orderId the order
	 * @return the task that calls the webhook
	 */
	@PostMapping("/{orderId}/webhook")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public TaskRef webhook(@PathVariable String orderId) {
		return this.orderService.notifyWebhook(orderId);
	}

	/**
	 * Who gets a receipt.
	 *
	 * @param customer the customer's e-mail address
	 */
	public record ReceiptRecipient(String customer) {

	}

}

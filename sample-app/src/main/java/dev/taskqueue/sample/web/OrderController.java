package dev.taskqueue.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.sample.fulfilment.Order;
import dev.taskqueue.sample.fulfilment.OrderService;
import dev.taskqueue.sample.fulfilment.OrderService.PlacedOrder;

/**
 * Place an order: enqueues its fulfilment flow of dependent tasks.
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
	 * @return the order id and the id of each task of its flow
	 */
	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	public PlacedOrder place(@RequestBody Order order) {
		return this.orderService.place(order);
	}

}

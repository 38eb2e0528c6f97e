package dev.taskqueue.sample.fulfilment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.taskqueue.TaskContext;
import dev.taskqueue.TaskHandler;
import dev.taskqueue.sample.fulfilment.Payloads.Label;
import dev.taskqueue.sample.fulfilment.Payloads.Shipment;

/**
 * A handler written as a class instead of a {@code @Task} method. It is not a bean: TaskQueue
 * creates it through the bean factory because {@code application.yml} names it in
 * {@code taskqueue.types.ship-order.class-name}, so its constructor is autowired with the
 * {@link Carrier} bean. The payload type, {@link Shipment}, is read from
 * {@code TaskHandler<Shipment>}.
 */
public class ShipOrderHandler implements TaskHandler<Shipment> {

	private static final Logger logger = LoggerFactory.getLogger(ShipOrderHandler.class);

	private final Carrier carrier;

	public ShipOrderHandler(Carrier carrier) {
		this.carrier = carrier;
	}

	@Override
	public Label handle(Shipment shipment, TaskContext context) {
		Label label = this.carrier.book(shipment);
		logger.info("Shipped order {} with {}, tracking number {} (task {})", shipment.orderId(), label.carrier(),
				label.trackingNumber(), context.taskId());
		return label;
	}

}

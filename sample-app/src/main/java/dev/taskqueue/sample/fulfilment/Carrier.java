package dev.taskqueue.sample.fulfilment;

import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

import dev.taskqueue.sample.fulfilment.Payloads.Label;
import dev.taskqueue.sample.fulfilment.Payloads.Shipment;

/**
 * Books parcels with a carrier. A stand-in for a client of a real carrier's API.
 */
@Component
public class Carrier {

	private static final String NAME = "Parcel Express";

	/**
	 * Book a parcel and return its label.
	 * @param shipment the shipment
	 * @return the label
	 */
	public Label book(Shipment shipment) {
		String trackingNumber = "PE%010d".formatted(ThreadLocalRandom.current().nextLong(10_000_000_000L));
		return new Label(shipment.orderId(), NAME, trackingNumber);
	}

}

package dev.taskqueue.sample.fulfilment;

import java.math.BigDecimal;
import java.util.List;

import dev.taskqueue.sample.fulfilment.Order.OrderLine;

/**
 * Payloads and results of the fulfilment tasks. TaskQueue stores them as JSON and binds them
 * back to these records when a task runs.
 */
public final class Payloads {

	private Payloads() {
	}

	/** Payload of {@code reserve-stock}. */
	public record StockRequest(String orderId, List<OrderLine> lines) {

	}

	/** Result of {@code reserve-stock}. */
	public record Reservation(String orderId, String reservationId, int items, int attempt) {

	}

	/**
	 * Payload of {@code charge-payment}.
	 *
	 * @param orderId the order
	 * @param amount the amount to charge
	 * @param gatewayFailures how many attempts the payment gateway fails, as if it were down
	 */
	public record Charge(String orderId, BigDecimal amount, int gatewayFailures) {

	}

	/** Result of {@code charge-payment}. */
	public record Receipt(String orderId, BigDecimal amount, String transactionId, int attempt) {

	}

	/** Payload of {@code ship-order}. */
	public record Shipment(String orderId, String customer) {

	}

	/** Result of {@code ship-order}. */
	public record Label(String orderId, String carrier, String trackingNumber) {

	}

	/** Payload of {@code notify-customer}. */
	public record Notification(String orderId, String customer) {

	}

	/** Payload of {@code order-webhook}: the request's JSON body. */
	public record OrderEvent(String orderId, String event) {

	}

	/** Payload of {@code send-receipt}. */
	public record ReceiptRequest(String orderId, String customer) {

	}

}

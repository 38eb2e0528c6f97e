package dev.taskqueue.sample.fulfilment;

/**
 * The payment gateway could not be reached. Transient: the task is retried after the delays
 * configured under {@code taskqueue.types.charge-payment} in {@code application.yml}.
 */
public class PaymentGatewayUnavailableException extends RuntimeException {

	public PaymentGatewayUnavailableException(String message) {
		super(message);
	}

}

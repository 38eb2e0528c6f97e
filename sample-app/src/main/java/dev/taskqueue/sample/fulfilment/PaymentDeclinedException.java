package dev.taskqueue.sample.fulfilment;

/**
 * The card was declined. Charging again cannot help, so {@code application.yml} lists this
 * exception under {@code taskqueue.types.charge-payment.no-retry-for}: the task fails at once,
 * whatever retries it has left.
 */
public class PaymentDeclinedException extends RuntimeException {

	public PaymentDeclinedException(String message) {
		super(message);
	}

}

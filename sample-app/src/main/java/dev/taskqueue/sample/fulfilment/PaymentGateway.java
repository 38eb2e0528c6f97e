package dev.taskqueue.sample.fulfilment;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Charges cards and refunds charges. A stand-in for a client of a real payment provider's API,
 * which takes an idempotency key with each charge: a charge repeated with the same key returns
 * the first charge's transaction instead of charging the customer again.
 */
@Component
public class PaymentGateway {

	/** Charges above this amount are declined. */
	static final BigDecimal CARD_LIMIT = new BigDecimal("5000.00");

	private final Map<String, String> transactions = new ConcurrentHashMap<>();

	private final Set<String> refunded = ConcurrentHashMap.newKeySet();

	/**
	 * Charge an amount, once per idempotency key.
	 * @param idempotencyKey identifies the charge: the same key charges once
	 * @param amount the amount
	 * @return the transaction id
	 * @throws PaymentDeclinedException if the card is declined
	 */
	public String charge(String idempotencyKey, BigDecimal amount) {
		if (amount.compareTo(CARD_LIMIT) > 0) {
			throw new PaymentDeclinedException(
					"Card declined: %s is over the card's limit of %s".formatted(amount, CARD_LIMIT));
		}
		return this.transactions.computeIfAbsent(idempotencyKey,
				(key) -> "TX-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase());
	}

	/**
	 * Refund a charge, once however often it is asked.
	 * @param transactionId the charge's transaction id
	 * @return whether it was refunded now, {@code false} if it had been already
	 */
	public boolean refund(String transactionId) {
		return this.refunded.add(transactionId);
	}

}

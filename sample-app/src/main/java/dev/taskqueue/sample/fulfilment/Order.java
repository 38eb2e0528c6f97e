package dev.taskqueue.sample.fulfilment;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order as a client places it.
 *
 * @param customer the customer's e-mail address
 * @param lines what was ordered
 * @param total the amount to charge
 * @param gatewayFailures how many charge attempts the payment gateway fails, as if it were
 * down, to show retries; {@code null} for none
 */
public record Order(String customer, List<OrderLine> lines, BigDecimal total, Integer gatewayFailures) {

	/**
	 * One line of an order.
	 *
	 * @param sku the article
	 * @param quantity how many
	 */
	public record OrderLine(String sku, int quantity) {

	}

}

package dev.taskqueue.sample.fulfilment;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order as a client places it.
 *
 * @param customer the customer's e-mail address
 * @param lines what was ordered
 * @param total the amount to charge
 * @param simulateGatewayError whether the payment gateway should fail the first charge
 * attempt, to show a FAILED task and a retry
 */
public record Order(String customer, List<OrderLine> lines, BigDecimal total, boolean simulateGatewayError) {

	/**
	 * One line of an order.
	 *
	 * @param sku the article
	 * @param quantity how many
	 */
	public record OrderLine(String sku, int quantity) {

	}

}

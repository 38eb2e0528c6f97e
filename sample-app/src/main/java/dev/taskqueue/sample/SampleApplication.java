package dev.taskqueue.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small order-fulfilment service that does its slow work in the background with TaskQueue.
 * <p>
 * Placing an order starts a flow of dependent tasks: stock is reserved and the payment is
 * charged side by side, the parcel ships once both have succeeded, and the customer is told
 * once it has shipped; should the flow fail, a compensation task undoes what it did. Reminding
 * customers of their baskets starts a job whose planner adds one task per customer, 500 at a
 * time, and whose progress can be followed. See {@code README.md} at the root of the
 * repository for the endpoints.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

package dev.taskqueue.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small order-fulfilment service that does its slow work in the background with TaskQueue.
 * <p>
 * Placing an order enqueues a flow of dependent tasks: stock is reserved and the payment is
 * charged side by side, the parcel ships once both have succeeded, and the customer is told
 * once it has shipped. See {@code README.md} at the root of the repository for the endpoints.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

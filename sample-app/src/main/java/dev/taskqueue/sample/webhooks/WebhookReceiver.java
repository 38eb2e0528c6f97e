package dev.taskqueue.sample.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.taskqueue.http.WebhookSignature;

/**
 * The receiving end of the {@code order-webhook} task type, standing in for another service:
 * it checks each request's signature on the raw body before reading it, answers 401 to a
 * request that fails the check, and takes a repeated delivery (the same
 * {@code Idempotency-Key}, sent again because an earlier answer was lost) only once.
 */
@RestController
@RequestMapping("/webhooks/orders")
class WebhookReceiver {

	private static final Log logger = LogFactory.getLog(WebhookReceiver.class);

	/** How far a request's signing time may be from now: older requests could be replays. */
	private static final Duration TOLERANCE = Duration.ofMinutes(5);

	private static final int KEPT = 50;

	private final String secret;

	private final Set<String> seenKeys = ConcurrentHashMap.newKeySet();

	private final Deque<Delivery> deliveries = new ConcurrentLinkedDeque<>();

	WebhookReceiver(@Value("${sample.webhook.secret}") String secret) {
		this.secret = secret;
	}

	@PostMapping("/{orderId}")
	ResponseEntity<Void> receive(@PathVariable String orderId, @RequestBody byte[] body,
			@RequestHeader(name = WebhookSignature.TIMESTAMP_HEADER, required = false) @Nullable String timestamp,
			@RequestHeader(name = WebhookSignature.SIGNATURE_HEADER, required = false) @Nullable String signature,
			@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
		boolean verified = WebhookSignature.verify(this.secret, timestamp, signature, body, TOLERANCE);
		if (!verified) {
			logger.warn("Webhook for order " + orderId + " refused: its signature does not match");
			record(new Delivery(orderId, idempotencyKey, false, false, Instant.now()));
			return ResponseEntity.status(401).build();
		}
		boolean repeated = idempotencyKey != null && !this.seenKeys.add(idempotencyKey);
		logger.info("Webhook for order " + orderId + " verified" + (repeated ? " (a repeat, ignored)" : ""));
		record(new Delivery(orderId, idempotencyKey, true, repeated, Instant.now()));
		return ResponseEntity.noContent().build();
	}

	/**
	 * The latest deliveries, newest first.
	 * @return at most the last 50
	 */
	@GetMapping
	List<Delivery> deliveries() {
		return new ArrayList<>(this.deliveries);
	}

	private void record(Delivery delivery) {
		this.deliveries.addFirst(delivery);
		while (this.deliveries.size() > KEPT) {
			this.deliveries.pollLast();
		}
	}

	/**
	 * One request received.
	 *
	 * @param orderId the order, from the URL
	 * @param idempotencyKey the sending task's id
	 * @param verified whether its signature matched
	 * @param repeated whether a request with the same key had been taken already
	 * @param receivedAt when it came
	 */
	record Delivery(String orderId, @Nullable String idempotencyKey, boolean verified, boolean repeated,
			Instant receivedAt) {

	}

}

package dev.taskqueue.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The targets HTTP tasks call on this node: per target, the calls in flight and the circuit
 * breaker's state. A target is a task type, or a host and port that types limited per host
 * share.
 */
final class Targets {

	private final Clock clock;

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

	Targets(Clock clock) {
		this.clock = clock;
	}

	static String key(HttpTaskDefinition definition, URI uri) {
		if (definition.limitPer() == HttpTaskDefinition.LimitPer.TYPE) {
			return "type " + definition.type();
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
		return "host " + uri.getHost() + ":" + port;
	}

	/**
	 * Take a place among the target's calls in flight, if fewer than the limit run; each type
	 * checks its own limit against the calls of every type sharing the target.
	 */
	boolean tryAcquire(String target, int limit) {
		AtomicInteger calls = this.inFlight.computeIfAbsent(target, (key) -> new AtomicInteger());
		while (true) {
			int current = calls.get();
			if (current >= limit) {
				return false;
			}
			if (calls.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	void release(String target) {
		this.inFlight.get(target).decrementAndGet();
	}

	/**
	 * Return how long a call must wait for the target's breaker, or {@code null} if it may
	 * call now. Once the cool-down has passed, one call is let through to try the target.
	 */
	@Nullable Duration breakerWait(String target, HttpTaskDefinition.CircuitBreaker settings) {
		return breaker(target, settings).permit(this.clock.instant());
	}

	/**
	 * Record a call's end for the target's breaker: a success closes it, a failure counts
	 * towards opening it, and an answer that is neither (a {@code 4xx}) leaves it as it was.
	 */
	void called(String target, HttpTaskDefinition.CircuitBreaker settings, Call call) {
		Breaker breaker = breaker(target, settings);
		switch (call) {
			case SUCCEEDED -> breaker.succeeded();
			case FAILED -> breaker.failed(this.clock.instant());
			case ANSWERED -> breaker.answered();
		}
	}

	// Keyed by the settings too: types sharing a host may each set their own threshold and cool-down
	private Breaker breaker(String target, HttpTaskDefinition.CircuitBreaker settings) {
		return this.breakers.computeIfAbsent(target + " " + settings, (key) -> new Breaker(settings));
	}

	/** How a call ended, for the circuit breaker. */
	enum Call {

		SUCCEEDED, FAILED,

		/** The target answered, but the request was at fault: counts neither way. */
		ANSWERED

	}

	/**
	 * One target's circuit breaker: closed while calls succeed, open for a cool-down after
	 * enough failures in a row, then half-open while one call tries the target.
	 */
	static final class Breaker {

		private final HttpTaskDefinition.CircuitBreaker settings;

		private int failures;

		private @Nullable Instant openUntil;

		private boolean trying;

		Breaker(HttpTaskDefinition.CircuitBreaker settings) {
			this.settings = settings;
		}

		synchronized @Nullable Duration permit(Instant now) {
			if (this.openUntil == null) {
				return null;
			}
			if (now.isBefore(this.openUntil)) {
				return Duration.between(now, this.openUntil);
			}
			if (this.trying) {
				// Half-open: the trial call decides; the others wait for about a cool-down
				return this.settings.coolDown();
			}
			this.trying = true;
			return null;
		}

		synchronized void failed(Instant now) {
			this.failures++;
			if (this.trying || this.failures >= this.settings.failureThreshold()) {
				this.openUntil = now.plus(this.settings.coolDown());
				this.trying = false;
			}
		}

		/** Lets another call try a half-open target, changing nothing else. */
		synchronized void answered() {
			this.trying = false;
		}

		synchronized void succeeded() {
			this.failures = 0;
			this.openUntil = null;
			this.trying = false;
		}

	}

}

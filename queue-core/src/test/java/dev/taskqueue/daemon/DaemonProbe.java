package dev.taskqueue.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;

/**
 * A daemon for tests: loops until told to stop, after failing as often as asked, and records
 * where and when it ran and whether it ever ran on two nodes at once.
 */
final class DaemonProbe implements DaemonHandler {

	private final Set<String> runningOn = ConcurrentHashMap.newKeySet();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	private final List<Invocation> invocations = new ArrayList<>();

	private final int failures;

	private final boolean returnAfterFailures;

	/**
	 * A daemon that fails its first calls, and may return once after them.
	 * @param failures how many of its first calls throw
	 * @param returnAfterFailures whether the call after them returns at once
	 */
	DaemonProbe(int failures, boolean returnAfterFailures) {
		this.failures = failures;
		this.returnAfterFailures = returnAfterFailures;
	}

	/** A daemon that loops until told to stop. */
	DaemonProbe() {
		this(0, false);
	}

	@Override
	public void run(DaemonContext context) {
		int call;
		synchronized (this) {
			call = this.invocations.size() + 1;
			this.invocations.add(new Invocation(context.nodeId(), System.nanoTime()));
		}
		if (call <= this.failures) {
			throw new IllegalStateException("boom " + call);
		}
		if (this.returnAfterFailures && call == this.failures + 1) {
			return;
		}
		this.runningOn.add(context.nodeId());
		this.mostAtOnce.accumulateAndGet(this.runningOn.size(), Math::max);
		try {
			while (!context.awaitStop(Duration.ofMillis(20))) {
				this.mostAtOnce.accumulateAndGet(this.runningOn.size(), Math::max);
			}
		}
		finally {
			this.runningOn.remove(context.nodeId());
		}
	}

	/** The nodes the daemon's loop runs on now. */
	Set<String> runningOn() {
		return Set.copyOf(this.runningOn);
	}

	/** The most nodes its loop ever ran on at once. */
	int mostAtOnce() {
		return this.mostAtOnce.get();
	}

	synchronized List<Invocation> invocations() {
		return List.copyOf(this.invocations);
	}

	/** A call of the daemon's method: on which node, and when. */
	record Invocation(String node, long nanos) {

	}

}

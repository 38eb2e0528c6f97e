package dev.taskqueue.execute;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;

/**
 * A task running on this node: the context its handler sees, the thread that runs it, and
 * when its lease was last renewed.
 *
 * @since 0.1.0
 */
public final class RunningTask implements TaskContext {

	private final ClaimedTask task;

	private final Lane lane;

	private final PayloadCodec codec;

	private final Duration heartbeat;

	private final Consumer<RunningTask> onHeartbeat;

	private final AtomicBoolean finished = new AtomicBoolean();

	private volatile @Nullable Thread thread;

	private volatile boolean cancelled;

	private volatile long renewedNanos;

	private volatile Duration lease;

	RunningTask(ClaimedTask task, Lane lane, PayloadCodec codec, Duration claimLease, Duration heartbeat,
			Consumer<RunningTask> onHeartbeat) {
		this.task = task;
		this.lane = lane;
		this.codec = codec;
		this.heartbeat = heartbeat;
		this.onHeartbeat = onHeartbeat;
		this.renewedNanos = System.nanoTime();
		this.lease = claimLease;
	}

	@Override
	public UUID taskId() {
		return this.task.id();
	}

	@Override
	public String type() {
		return this.task.type();
	}

	@Override
	public String queue() {
		return this.task.queue();
	}

	@Override
	public int attempt() {
		return this.task.attempt();
	}

	@Override
	public @Nullable JsonValue payload() {
		return this.codec.value(this.task.payload());
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public void heartbeat() {
		if (!this.cancelled && isRenewalDue()) {
			this.onHeartbeat.accept(this);
		}
	}

	/**
	 * Return the claimed task.
	 * @return the task
	 */
	public ClaimedTask task() {
		return this.task;
	}

	/**
	 * Return how long its lease lasts from each renewal.
	 * @return the heartbeat
	 */
	public Duration heartbeatInterval() {
		return this.heartbeat;
	}

	/**
	 * Return whether a third of the lease has passed since it was last renewed: of the claim's
	 * lease at first, of the task's own heartbeat from the first renewal on, and never more
	 * than a third of the heartbeat.
	 * @return whether to renew now
	 */
	public boolean isRenewalDue() {
		long lease = Math.min(this.lease.toNanos(), this.heartbeat.toNanos());
		return System.nanoTime() - this.renewedNanos >= lease / 3;
	}

	/**
	 * Record that the lease was renewed for one heartbeat.
	 * @param nanos {@link System#nanoTime()} when the renewal was sent
	 */
	public void renewed(long nanos) {
		this.renewedNanos = nanos;
		this.lease = this.heartbeat;
	}

	Lane lane() {
		return this.lane;
	}

	void runsOn(Thread thread) {
		this.thread = thread;
	}

	/** Whoever calls this first (the handler returning, or its timeout) ends the attempt. */
	boolean finish() {
		return this.finished.compareAndSet(false, true);
	}

	void cancel() {
		this.cancelled = true;
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
		}
	}

}

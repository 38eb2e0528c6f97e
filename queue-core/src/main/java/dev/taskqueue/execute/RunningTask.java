package dev.taskqueue.execute;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.JsonValue;
import dev.taskqueue.TaskContext;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;

/**
 * A task running on this node: the context its handler sees, and the thread that runs it.
 */
final class RunningTask implements TaskContext {

	private final ClaimedTask task;

	private final PayloadCodec codec;

	private final Thread thread;

	private volatile boolean cancelled;

	RunningTask(ClaimedTask task, PayloadCodec codec, Thread thread) {
		this.task = task;
		this.codec = codec;
		this.thread = thread;
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

	void cancel() {
		this.cancelled = true;
		this.thread.interrupt();
	}

}

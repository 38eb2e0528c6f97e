package dev.taskqueue.sample.demo;

import org.springframework.stereotype.Component;

import dev.taskqueue.TaskContext;
import dev.taskqueue.annotation.Task;

/**
 * A slow task that reports its progress: rebuilding one shard of a search index.
 */
@Component
public class ReindexTasks {

	static final int STEPS = 24;

	private static final long STEP_MILLIS = 250;

	/**
	 * Index the documents of one shard, a batch at a time, reporting each batch.
	 * @param shard which shard
	 * @param context the running task
	 * @throws InterruptedException when the task is cancelled while it waits
	 */
	@Task("reindex-shard")
	public void reindex(Shard shard, TaskContext context) throws InterruptedException {
		for (int step = 1; step <= STEPS && !context.isCancelled(); step++) {
			// Stands in for indexing a batch of documents
			Thread.sleep(STEP_MILLIS);
			context.progress((double) step / STEPS,
					"Indexed %d of %d documents of shard %d".formatted(step * 1000, STEPS * 1000, shard.number()));
		}
	}

	/**
	 * The payload of a {@code reindex-shard} task.
	 * @param number the shard's number
	 */
	public record Shard(int number) {
	}

}

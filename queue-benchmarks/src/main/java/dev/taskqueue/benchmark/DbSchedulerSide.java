package dev.taskqueue.benchmark;

import java.time.Duration;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

/** Builds db-scheduler schedulers and clients over the benchmark's table. */
final class DbSchedulerSide {

	static final String TASK = "noop";

	private DbSchedulerSide() {
	}

	static OneTimeTask<Void> task(Runnable onRun) {
		return Tasks.oneTime(TASK).execute((instance, context) -> onRun.run());
	}

	static SchedulerClient client(DataSource dataSource, OneTimeTask<Void> task) {
		return SchedulerClient.Builder.create(dataSource, task).tableName(Db.DBS_TABLE).build();
	}

	/**
	 * A scheduler node.
	 * @param strategy {@code default} (fetch, then lock each execution: lower 0.5, upper 3.0
	 * times the threads) or {@code lock-and-fetch} (one {@code UPDATE ... SKIP LOCKED ...
	 * RETURNING}; lower 0.5, upper 1.0; with immediate execution: its documented settings for
	 * throughput)
	 */
	static SchedulerBuilder scheduler(DataSource dataSource, OneTimeTask<Void> task, int threads, String strategy) {
		SchedulerBuilder builder = Scheduler.create(dataSource, task)
			.tableName(Db.DBS_TABLE)
			.threads(threads)
			.shutdownMaxWait(Duration.ofSeconds(5));
		return switch (strategy) {
			case "default" -> builder;
			case "lock-and-fetch" -> builder.pollUsingLockAndFetch(0.5, 1.0).enableImmediateExecution();
			default -> throw new IllegalArgumentException("Unknown db-scheduler strategy '" + strategy
					+ "'; use default or lock-and-fetch");
		};
	}

}

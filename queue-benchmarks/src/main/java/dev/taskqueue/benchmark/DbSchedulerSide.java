package dev.taskqueue.benchmark;

import java.time.Duration;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.jdbc.MariaDBJdbcCustomization;
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

	/**
	 * A client for scheduling.
	 * @param utc whether the table is MariaDB's, whose timestamps are zone-less, for which db-scheduler's
	 * documentation asks for timestamps persisted in UTC
	 */
	static SchedulerClient client(DataSource dataSource, OneTimeTask<Void> task, boolean utc) {
		SchedulerClient.Builder builder = SchedulerClient.Builder.create(dataSource, task).tableName(Db.DBS_TABLE);
		// The client has no alwaysPersistTimestampInUTC(): it takes the detected customization's UTC form
		return (utc ? builder.jdbcCustomization(new MariaDBJdbcCustomization(true)) : builder).build();
	}

	/**
	 * A scheduler node.
	 * @param strategy {@code default} (fetch, then lock each execution: lower 0.5, upper 3.0
	 * times the threads), {@code fetch} (the same with immediate execution: the best db-scheduler
	 * 16.12 supports on MariaDB, whose customization declines lock-and-fetch) or
	 * {@code lock-and-fetch} (one {@code UPDATE ... SKIP LOCKED ... RETURNING}; lower 0.5, upper 1.0;
	 * with immediate execution: its documented settings for throughput)
	 * @param utc as for {@link #client}
	 */
	static SchedulerBuilder scheduler(DataSource dataSource, OneTimeTask<Void> task, int threads, String strategy,
			boolean utc) {
		SchedulerBuilder builder = Scheduler.create(dataSource, task)
			.tableName(Db.DBS_TABLE)
			.threads(threads)
			.shutdownMaxWait(Duration.ofSeconds(5));
		if (utc) {
			builder.alwaysPersistTimestampInUTC();
		}
		return switch (strategy) {
			case "default" -> builder;
			case "fetch" -> builder.enableImmediateExecution();
			case "lock-and-fetch" -> builder.pollUsingLockAndFetch(0.5, 1.0).enableImmediateExecution();
			default -> throw new IllegalArgumentException("Unknown db-scheduler strategy '" + strategy
					+ "'; use default, fetch or lock-and-fetch");
		};
	}

}

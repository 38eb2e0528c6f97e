package dev.taskqueue.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import dev.taskqueue.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only an unreachable database is logged as an outage; other failures are logged at ERROR
 * every time, at most once every 10 seconds per activity.
 */
class DatabaseOutageLoggingTests {

	private final AtomicLong nanos = new AtomicLong();

	private final DatabaseOutage outage = new DatabaseOutage(this.nanos::get);

	@Test
	void refusedDataIsLoggedAtErrorEveryTimeRateLimitedAndStartsNoOutage() {
		try (LogCapture log = LogCapture.of(DatabaseOutage.class)) {
			DataIntegrityViolationException refused = new DataIntegrityViolationException("update",
					new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
			assertThat(this.outage.failed("write task outcomes", refused)).isEqualTo(DatabaseFailure.DATA);
			elapse(Duration.ofSeconds(1));
			this.outage.failed("write task outcomes", refused);
			this.outage.failed("write task outcomes", refused);
			this.outage.failed("claim tasks", refused);
			assertThat(this.outage.isBackingOff()).isFalse();
			assertThat(this.outage.retryDelay()).isZero();
			elapse(Duration.ofSeconds(10));
			this.outage.failed("write task outcomes", refused);
			assertThat(log.messages(Level.ERROR)).containsExactly(
					"TaskQueue could not write task outcomes: ERROR: invalid byte sequence for encoding \"UTF8\": 0x00",
					"TaskQueue could not claim tasks: ERROR: invalid byte sequence for encoding \"UTF8\": 0x00",
					"TaskQueue could not write task outcomes: ERROR: invalid byte sequence for encoding \"UTF8\": 0x00"
							+ " (and 2 times more since this was last logged)");
			assertThat(log.events(Level.WARN)).isEmpty();
		}
	}

	@Test
	void schemaErrorIsLoggedAtErrorAndBacksOff() {
		try (LogCapture log = LogCapture.of(DatabaseOutage.class)) {
			BadSqlGrammarException missing = new BadSqlGrammarException("claim", "SELECT ...",
					new SQLException("ERROR: relation \"tq_task\" does not exist", "42P01"));
			assertThat(this.outage.failed("claim tasks", missing)).isEqualTo(DatabaseFailure.SCHEMA);
			assertThat(this.outage.isBackingOff()).isTrue();
			assertThat(log.messages(Level.ERROR)).singleElement()
				.asString()
				.startsWith("TaskQueue could not claim tasks: its tables do not match")
				.endsWith("ERROR: relation \"tq_task\" does not exist");
			assertThat(log.events(Level.WARN)).isEmpty();
		}
	}

	@Test
	void unreachableDatabaseIsAnOutageLoggedOnceUntilItIsBack() {
		try (LogCapture log = LogCapture.of(DatabaseOutage.class)) {
			CannotGetJdbcConnectionException down = new CannotGetJdbcConnectionException("no connection",
					new SQLException("Connection refused", "08001"));
			assertThat(this.outage.failed("claim tasks", down)).isEqualTo(DatabaseFailure.CONNECTION);
			elapse(Duration.ofMillis(100));
			this.outage.failed("renew the leases of running tasks", down);
			assertThat(this.outage.isBackingOff()).isTrue();
			elapse(Duration.ofSeconds(20));
			this.outage.failed("claim tasks", down);
			this.outage.succeeded();
			assertThat(this.outage.isBackingOff()).isFalse();
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.startsWith("TaskQueue cannot reach its database (could not claim tasks)");
			assertThat(log.messages(Level.INFO)).containsExactly("TaskQueue reaches its database again after 20100 ms");
			assertThat(log.events(Level.ERROR)).isEmpty();
		}
	}

	private void elapse(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}

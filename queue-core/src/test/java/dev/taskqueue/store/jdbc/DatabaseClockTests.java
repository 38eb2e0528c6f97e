package dev.taskqueue.store.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the database's clock follows a node's clock that jumps, and keeps its offset while the
 * database cannot be read.
 */
class DatabaseClockTests {

	private final HikariDataSource dataSource = (HikariDataSource) TestDatabases.h2();

	private final SkewedClock local = new SkewedClock();

	@AfterEach
	void closeDataSource() {
		this.dataSource.close();
	}

	@Test
	void offsetIsMeasuredAgainInTheBackgroundOnceItIsOld() {
		DatabaseClock clock = new DatabaseClock(this.dataSource, Dialect.forProduct("H2"), this.local, Duration.ZERO);
		clock.refresh();
		this.local.skew = Duration.ofHours(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> isNow(clock.instant()));
	}

	@Test
	void measureThatFailsKeepsTheLastOffsetAndThrowsNothing() {
		this.local.skew = Duration.ofHours(-1);
		DatabaseClock clock = new DatabaseClock(this.dataSource, Dialect.forProduct("H2"), this.local, Duration.ZERO);
		clock.refresh();
		this.dataSource.close();
		clock.refresh();
		assertThat(isNow(clock.instant())).isTrue();
		assertThat(isNow(clock.withZone(ZoneId.of("America/New_York")).instant())).isTrue();
	}

	private static boolean isNow(Instant instant) {
		return Duration.between(Instant.now(), instant).abs().compareTo(Duration.ofSeconds(1)) < 0;
	}

	/** The system clock, off by a skew that a test may change. */
	private static final class SkewedClock extends Clock {

		private volatile Duration skew = Duration.ZERO;

		@Override
		public Instant instant() {
			return Instant.now().plus(this.skew);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}

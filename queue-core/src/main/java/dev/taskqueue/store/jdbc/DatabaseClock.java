package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * The database's clock as one node sees it: the node's own clock corrected by its offset to
 * the database's, so that the nodes of a cluster compute due times and leases on one time
 * line however far their own clocks drift. The offset is the database's time minus the
 * node's time halfway through the statement that read it, so it is off by at most half that
 * round trip. It is measured by {@link #refresh()}, and again in the background once the last
 * measure is 10 seconds old; a measure that fails keeps the last offset.
 *
 * @since 0.1.0
 */
public final class DatabaseClock extends Clock {

	private static final Log logger = LogFactory.getLog(DatabaseClock.class);

	/** How long an offset is trusted before it is measured again. */
	private static final Duration MAX_AGE = Duration.ofSeconds(10);

	/** How soon a measure that failed is tried again. */
	private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

	private final Clock local;

	private final Offset offset;

	/**
	 * Create a clock; its offset is zero until the first measure.
	 * @param dataSource the database
	 * @param dialect the database's dialect
	 * @param local the node's own clock
	 */
	public DatabaseClock(DataSource dataSource, Dialect dialect, Clock local) {
		this(local, new Offset(dataSource, dialect, local, MAX_AGE));
	}

	DatabaseClock(DataSource dataSource, Dialect dialect, Clock local, Duration maxAge) {
		this(local, new Offset(dataSource, dialect, local, maxAge));
	}

	private DatabaseClock(Clock local, Offset offset) {
		this.local = local;
		this.offset = offset;
	}

	/**
	 * Measure the offset now, in the calling thread. Never throws: a measure that fails keeps
	 * the last offset.
	 */
	public void refresh() {
		this.offset.measure();
	}

	@Override
	public Instant instant() {
		return this.local.instant().plus(this.offset.current());
	}

	@Override
	public ZoneId getZone() {
		return this.local.getZone();
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return new DatabaseClock(this.local.withZone(zone), this.offset);
	}

	/** The offset to the database's clock, shared by the clock's copies in other zones. */
	private static final class Offset {

		private final DataSource dataSource;

		private final Dialect dialect;

		private final String sql;

		private final Clock local;

		private final long maxAgeNanos;

		private final ThreadPoolExecutor background;

		private final AtomicBoolean pending = new AtomicBoolean();

		private volatile Duration value = Duration.ZERO;

		private volatile long dueNanos = System.nanoTime();

		private volatile boolean failing;

		Offset(DataSource dataSource, Dialect dialect, Clock local, Duration maxAge) {
			this.dataSource = dataSource;
			this.dialect = dialect;
			this.sql = dialect.currentTime();
			this.local = local;
			this.maxAgeNanos = maxAge.toNanos();
			CustomizableThreadFactory threads = new CustomizableThreadFactory("taskqueue-clock-");
			threads.setDaemon(true);
			this.background = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
			this.background.allowCoreThreadTimeOut(true);
		}

		/**
		 * Return the last offset; once it is due, measure it again in the background, so that
		 * no caller waits for the database, and a caller inside a transaction needs no
		 * second connection.
		 */
		Duration current() {
			if (System.nanoTime() - this.dueNanos >= 0 && this.pending.compareAndSet(false, true)) {
				this.background.execute(() -> {
					try {
						measure();
					}
					finally {
						this.pending.set(false);
					}
				});
			}
			return this.value;
		}

		synchronized void measure() {
			// A connection of its own: the time of a caller's transaction is not the time now
			try (Connection connection = this.dataSource.getConnection();
					PreparedStatement statement = connection.prepareStatement(this.sql)) {
				long sent = System.nanoTime();
				Instant localSent = this.local.instant();
				Instant database;
				try (ResultSet rs = statement.executeQuery()) {
					Assert.state(rs.next(), "no row");
					database = this.dialect.getInstant(rs, "db_time");
				}
				long roundTrip = System.nanoTime() - sent;
				Assert.state(database != null, "no time");
				this.value = Duration.between(localSent.plusNanos(roundTrip / 2), database);
				this.dueNanos = System.nanoTime() + this.maxAgeNanos;
				this.failing = false;
			}
			catch (SQLException | RuntimeException ex) {
				this.dueNanos = System.nanoTime() + RETRY_DELAY.toNanos();
				String message = "Could not read the database's time; due times and leases go on with the last offset to it ("
						+ this.value.toMillis() + " ms): " + ex;
				if (this.failing) {
					logger.debug(message);
				}
				else {
					logger.warn(message);
				}
				this.failing = true;
			}
		}

	}

}

package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.testsupport.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listening connection on PostgreSQL: it wakes its node for other nodes' notifications,
 * shrugs off one it cannot read, and ends its subscription before the connection goes back to
 * its pool, whose next borrower would otherwise be sent every notification.
 */
class PostgresNotificationListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String channel = JdbcTaskStore.channel(TestDatabases.uniqueTablePrefix());

	private final Dialect dialect = Dialect.of(TestDatabases.postgres());

	private final AtomicInteger wakeUps = new AtomicInteger();

	private final List<UUID> cancelled = new CopyOnWriteArrayList<>();

	/** A connection borrowed from the tests' pool, handed out again each time the listener asks. */
	private Connection borrowed;

	private SingleConnectionDataSource pooled;

	private PostgresNotificationListener listener;

	@BeforeEach
	void startListening() throws SQLException {
		this.borrowed = TestDatabases.postgres().getConnection();
		this.pooled = new SingleConnectionDataSource(this.borrowed, true);
		this.listener = new PostgresNotificationListener(this.pooled, this.dialect.listenSql(this.channel),
				this.dialect.unlistenSql(this.channel), "this-node", this.wakeUps::incrementAndGet, this.cancelled::add);
		this.listener.start("test-listener");
		// Woken once as it starts listening, to catch up
		await().atMost(WAIT).until(() -> this.wakeUps.get() == 1);
	}

	@AfterEach
	void stopListening() throws SQLException {
		this.listener.stop();
		new JdbcTemplate(this.pooled).execute("UNLISTEN *");
		this.borrowed.close();
	}

	@Test
	void anotherNodesNotificationWakesTheNodeAndItsOwnDoesNot() {
		notifyChannel("this-node");
		notifyChannel("other-node");
		await().atMost(WAIT).until(() -> this.wakeUps.get() == 2);
		notifyChannel("this-node");
		await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> this.wakeUps.get() == 2);
	}

	@Test
	void aCancelNotificationThatNamesNoTaskIsSkippedAndTheNextOneHeard() {
		UUID task = UUID.randomUUID();
		new JdbcTemplate(TestDatabases.postgres()).queryForList("SELECT pg_notify(?, ?), pg_notify(?, ?)",
				this.channel, JdbcTaskStore.CANCEL_PREFIX + "not-a-task", this.channel,
				JdbcTaskStore.CANCEL_PREFIX + task);
		await().atMost(WAIT).until(() -> this.cancelled.contains(task));
		assertThat(this.wakeUps).hasValue(1);
	}

	@Test
	void theConnectionListensNoMoreOnceTheListenerStopped() {
		JdbcTemplate onTheConnection = new JdbcTemplate(this.pooled);
		this.listener.stop();
		assertThat(onTheConnection.queryForList("SELECT pg_listening_channels()", String.class)).isEmpty();
	}

	private void notifyChannel(String payload) {
		new JdbcTemplate(TestDatabases.postgres()).queryForList("SELECT pg_notify(?, ?)", this.channel, payload);
	}

}

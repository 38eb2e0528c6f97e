package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds one connection that {@code LISTEN}s for tasks other nodes made ready, and wakes the
 * local poller when one arrives. Polling stays the fallback: if the connection breaks, the
 * listener reconnects and wakes the poller once to catch up.
 *
 * @since 0.1.0
 */
public final class PostgresNotificationListener {

	private static final Log logger = LogFactory.getLog(PostgresNotificationListener.class);

	private static final int WAIT_MILLIS = 250;

	private static final int RECONNECT_MILLIS = 1000;

	private final DataSource dataSource;

	private final String listenSql;

	private final String ownPayload;

	private final Runnable onNotification;

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Create a listener.
	 * @param dataSource the PostgreSQL DataSource
	 * @param listenSql the statement that subscribes to the channel
	 * @param ownPayload the payload of this node's own notifications, which it ignores: it
	 * wakes itself when it makes tasks ready
	 * @param onNotification what to do when tasks became ready on another node
	 */
	public PostgresNotificationListener(DataSource dataSource, String listenSql, String ownPayload,
			Runnable onNotification) {
		this.dataSource = dataSource;
		this.listenSql = listenSql;
		this.ownPayload = ownPayload;
		this.onNotification = onNotification;
	}

	/**
	 * Start listening on a thread of its own.
	 * @param threadName the thread's name
	 */
	public synchronized void start(String threadName) {
		this.running = true;
		Thread thread = new Thread(this::run, threadName);
		thread.setDaemon(true);
		thread.start();
		this.thread = thread;
	}

	/**
	 * Stop listening and release the connection.
	 */
	public void stop() {
		Thread thread;
		synchronized (this) {
			thread = this.thread;
			this.thread = null;
		}
		this.running = false;
		if (thread != null) {
			try {
				thread.join(WAIT_MILLIS * 4L);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		boolean failing = false;
		while (this.running) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute(this.listenSql);
				}
				if (failing) {
					logger.info("Listening for ready tasks again");
					failing = false;
				}
				this.onNotification.run();
				PGConnection listening = connection.unwrap(PGConnection.class);
				while (this.running) {
					PGNotification[] notifications = listening.getNotifications(WAIT_MILLIS);
					if (notifications != null && fromOtherNode(notifications)) {
						this.onNotification.run();
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!failing && this.running) {
					logger.warn("Lost the connection that listens for ready tasks; polling until it is back", ex);
					failing = true;
				}
				pause();
			}
		}
	}

	private boolean fromOtherNode(PGNotification[] notifications) {
		for (PGNotification notification : notifications) {
			if (!this.ownPayload.equals(notification.getParameter())) {
				return true;
			}
		}
		return false;
	}

	private void pause() {
		try {
			Thread.sleep(RECONNECT_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}

package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Consumer;

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

	private final String unlistenSql;

	private final String ownPayload;

	private final Runnable onReady;

	private final Consumer<UUID> onCancel;

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Create a listener.
	 * @param dataSource the PostgreSQL DataSource
	 * @param listenSql the statement that subscribes to the channel
	 * @param unlistenSql the statement that ends the subscription, before the connection goes
	 * back to the pool
	 * @param ownPayload the payload of this node's own notifications, which it ignores: it
	 * wakes itself when it makes tasks ready
	 * @param onReady what to do when tasks became ready on another node
	 * @param onCancel what to do when a running task was cancelled, on any node
	 */
	public PostgresNotificationListener(DataSource dataSource, String listenSql, String unlistenSql, String ownPayload,
			Runnable onReady, Consumer<UUID> onCancel) {
		this.dataSource = dataSource;
		this.listenSql = listenSql;
		this.unlistenSql = unlistenSql;
		this.ownPayload = ownPayload;
		this.onReady = onReady;
		this.onCancel = onCancel;
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
				execute(connection, this.listenSql);
				try {
					if (failing) {
						logger.info("Listening for ready tasks again");
						failing = false;
					}
					this.onReady.run();
					PGConnection listening = connection.unwrap(PGConnection.class);
					while (this.running) {
						PGNotification[] notifications = listening.getNotifications(WAIT_MILLIS);
						if (notifications != null) {
							dispatch(notifications);
						}
					}
				}
				finally {
					unlisten(connection);
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

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * A pooled connection that still listened would have every later notification queued for
	 * it: woken for each, buffered by the driver for whoever borrows it next.
	 */
	private void unlisten(Connection connection) {
		try {
			execute(connection, this.unlistenSql);
		}
		catch (SQLException | RuntimeException ex) {
			// A broken connection is dropped by the pool, its subscription with it
			logger.debug("Could not end the subscription of the listening connection", ex);
		}
	}

	private void dispatch(PGNotification[] notifications) {
		boolean ready = false;
		for (PGNotification notification : notifications) {
			String payload = notification.getParameter();
			if (payload.startsWith(JdbcTaskStore.CANCEL_PREFIX)) {
				cancel(payload.substring(JdbcTaskStore.CANCEL_PREFIX.length()));
			}
			else {
				ready |= !this.ownPayload.equals(payload);
			}
		}
		if (ready) {
			this.onReady.run();
		}
	}

	private void cancel(String taskId) {
		UUID id;
		try {
			id = UUID.fromString(taskId);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Ignored a cancel notification for '" + taskId + "', which is no task id");
			return;
		}
		this.onCancel.accept(id);
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

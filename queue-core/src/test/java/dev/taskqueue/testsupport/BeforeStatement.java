package dev.taskqueue.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A DataSource that runs an action once, on the thread that prepares it, just before the first
 * statement that starts with the given text is prepared: to hold that statement back, or to
 * write something from another connection first.
 */
public final class BeforeStatement extends DelegatingDataSource {

	/** An action that may wait or fail. */
	@FunctionalInterface
	public interface Action {

		void run() throws Exception;

	}

	private final String start;

	private final Action action;

	private final AtomicBoolean done = new AtomicBoolean();

	/**
	 * @param dataSource the DataSource that connects
	 * @param start how the statement starts, compared without case and leading space
	 * @param action the action
	 */
	public BeforeStatement(DataSource dataSource, String start, Action action) {
		super(dataSource);
		this.start = start.toUpperCase(Locale.ROOT);
		this.action = action;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection = super.getConnection();
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					if (method.getName().equals("prepareStatement")
							&& ((String) args[0]).strip().toUpperCase(Locale.ROOT).startsWith(this.start)
							&& this.done.compareAndSet(false, true)) {
						this.action.run();
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}

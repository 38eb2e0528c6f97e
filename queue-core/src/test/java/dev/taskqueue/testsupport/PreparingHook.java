package dev.taskqueue.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A DataSource that calls a hook with the text of each statement just before it is prepared,
 * on the thread that prepares it: to note the statement, hold it back, fail it, or write
 * something from another connection first.
 */
public final class PreparingHook extends DelegatingDataSource {

	/** What runs before a statement is prepared; what it throws, the prepare throws. */
	@FunctionalInterface
	public interface Hook {

		void preparing(String sql) throws Exception;

	}

	private final Hook hook;

	/**
	 * @param dataSource the DataSource that connects
	 * @param hook the hook
	 */
	public PreparingHook(DataSource dataSource, Hook hook) {
		super(dataSource);
		this.hook = hook;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection = super.getConnection();
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					if (method.getName().equals("prepareStatement")) {
						this.hook.preparing((String) args[0]);
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

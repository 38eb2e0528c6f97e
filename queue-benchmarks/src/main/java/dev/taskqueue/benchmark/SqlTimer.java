package dev.taskqueue.benchmark;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Times every statement execution, commit and rollback that passes through a DataSource, by
 * the statement's shape (id lists collapsed) and the thread group that ran it: a profile of
 * where a run's database time goes, seen from the client (round trip included).
 */
final class SqlTimer {

	private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
			"executeLargeUpdate", "executeLargeBatch");

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/** Commits, plus statements run in auto-commit mode: the transactions the database ran for us. */
	private final LongAdder transactions = new LongAdder();

	static final class Entry {

		final LongAdder count = new LongAdder();

		final LongAdder nanos = new LongAdder();

	}

	/** The shape of TaskQueue's claim statement on PostgreSQL, from the head or from a position. */
	static final String CLAIM = shape(Dialect.forProduct("PostgreSQL").claimReturning().replace("%PREFIX%", Db.PREFIX));

	record Line(String key, long count, double totalMillis) {

		/** Whether this is TaskQueue's claim statement on PostgreSQL, run by any thread. */
		boolean isClaim() {
			return this.key.endsWith(" | " + CLAIM);
		}

	}

	DataSource wrap(DataSource dataSource) {
		return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { DataSource.class },
				(proxy, method, args) -> {
					Object result = invoke(dataSource, method, args);
					if (result instanceof Connection connection && method.getName().equals("getConnection")) {
						return connection(connection);
					}
					return result;
				});
	}

	void reset() {
		this.entries.clear();
		this.transactions.reset();
	}

	long transactions() {
		return this.transactions.sum();
	}

	List<Line> lines() {
		List<Line> lines = new ArrayList<>();
		this.entries.forEach((key, entry) -> lines.add(new Line(key, entry.count.sum(), entry.nanos.sum() / 1e6)));
		lines.sort(Comparator.comparingDouble(Line::totalMillis).reversed());
		return lines;
	}

	private Connection connection(Connection connection) throws java.sql.SQLException {
		java.util.concurrent.atomic.AtomicBoolean autoCommit = new java.util.concurrent.atomic.AtomicBoolean(
				connection.getAutoCommit());
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					String name = method.getName();
					if (name.equals("commit") || name.equals("rollback") && (args == null || args.length == 0)) {
						if (name.equals("commit")) {
							this.transactions.increment();
						}
						return timed(name.toUpperCase(), () -> invoke(connection, method, args));
					}
					if (name.equals("setAutoCommit")) {
						autoCommit.set((Boolean) args[0]);
					}
					Object result = invoke(connection, method, args);
					if (result instanceof PreparedStatement statement && name.startsWith("prepare")) {
						return statement(statement, PreparedStatement.class, (String) args[0], autoCommit);
					}
					if (result instanceof Statement statement && name.equals("createStatement")) {
						return statement(statement, Statement.class, null, autoCommit);
					}
					return result;
				});
	}

	private Object statement(Statement statement, Class<? extends Statement> type, String preparedSql,
			java.util.concurrent.atomic.AtomicBoolean autoCommit) {
		InvocationHandler handler = (proxy, method, args) -> {
			if (EXECUTIONS.contains(method.getName())) {
				if (autoCommit.get()) {
					this.transactions.increment();
				}
				String sql = (preparedSql != null) ? preparedSql
						: (args != null && args.length > 0 && args[0] instanceof String text) ? text : "?";
				String suffix = method.getName().endsWith("Batch") ? " [batch]" : "";
				return timed(shape(sql) + suffix, () -> invoke(statement, method, args));
			}
			return invoke(statement, method, args);
		};
		return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, handler);
	}

	private interface Call {

		Object call() throws Throwable;

	}

	private Object timed(String what, Call call) throws Throwable {
		long start = System.nanoTime();
		try {
			return call.call();
		}
		finally {
			Entry entry = this.entries.computeIfAbsent(group(Thread.currentThread().getName()) + " | " + what,
					(key) -> new Entry());
			entry.count.increment();
			entry.nanos.add(System.nanoTime() - start);
		}
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/** The statement with whitespace collapsed, id lists shortened, and cut to a readable length. */
	static String shape(String sql) {
		String shape = sql.replaceAll("\\s+", " ").trim().replaceAll("\\?(, \\?)+", "?,...");
		return (shape.length() > 70) ? shape.substring(0, 67) + "..." : shape;
	}

	private static String group(String thread) {
		return Probe.group(thread);
	}

}

package dev.taskqueue.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * What kind of failure a statement met, which decides whether the node backs off: only a
 * database it cannot reach, or tables that do not match, make waiting worthwhile.
 *
 * @since 0.1.0
 */
public enum DatabaseFailure {

	/**
	 * The database cannot be reached: no connection, a connection lost or refused, a server
	 * shutting down. An outage: the node backs off and tries again.
	 */
	CONNECTION,

	/**
	 * The tables do not match the statements: a table or column missing, or no permission.
	 * This does not fix itself soon, so the node backs off as in an outage.
	 */
	SCHEMA,

	/**
	 * A conflict worth trying again as it is: a deadlock, a serialization failure, a lock or
	 * statement timeout.
	 */
	TRANSIENT,

	/**
	 * The database refused what the statement wrote (a value it cannot store, a constraint),
	 * or anything else: trying the same again would fail again.
	 */
	DATA;

	/** PostgreSQL's server shutting down or starting, and too many connections. */
	private static final Set<String> CONNECTION_STATES = Set.of("57P01", "57P02", "57P03", "53300");

	/** H2's connection broken, database closed, and database closing. */
	private static final Set<Integer> H2_CONNECTION_CODES = Set.of(90067, 90098, 90121);

	/**
	 * MariaDB's and MySQL's too many connections, server shutting down, connection aborted
	 * or killed, server gone away, and connection lost.
	 */
	private static final Set<Integer> MARIADB_CONNECTION_CODES = Set.of(1040, 1053, 1077, 1152, 1159, 1160, 1161,
			1927, 2002, 2003, 2006, 2013);

	/** Serialization failure, deadlock, statement cancelled by its timeout, lock not available. */
	private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57014", "55P03", "HYT00");

	/** MariaDB's and MySQL's lock wait timeout and deadlock. */
	private static final Set<Integer> MARIADB_TRANSIENT_CODES = Set.of(1205, 1213);

	/**
	 * Return the kind of a failure, looking at every cause.
	 * @param ex the failure
	 * @return its kind: {@link #DATA} unless a cause says otherwise
	 */
	public static DatabaseFailure of(Throwable ex) {
		List<Throwable> chain = chain(ex);
		if (chain.stream().anyMatch(DatabaseFailure::isRefusedPacket)) {
			return DATA;
		}
		if (chain.stream().anyMatch(DatabaseFailure::isConnection)) {
			return CONNECTION;
		}
		if (chain.stream().anyMatch(DatabaseFailure::isSchema)) {
			return SCHEMA;
		}
		if (chain.stream().anyMatch(DatabaseFailure::isTransient)) {
			return TRANSIENT;
		}
		return DATA;
	}

	/**
	 * Return what the database said: the message of the deepest cause that has one.
	 * @param ex the failure
	 * @return the message
	 */
	public static String message(Throwable ex) {
		List<Throwable> chain = chain(ex);
		for (int i = chain.size() - 1; i >= 0; i--) {
			String message = chain.get(i).getMessage();
			if (message != null && !message.isBlank()) {
				return message;
			}
		}
		return ex.getClass().getName();
	}

	/** MariaDB and MySQL close the connection on a value larger than their packet limit. */
	private static boolean isRefusedPacket(Throwable ex) {
		return ex instanceof SQLException sql && sql.getErrorCode() == 1153;
	}

	private static boolean isConnection(Throwable ex) {
		if (ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessResourceException
				|| ex instanceof RecoverableDataAccessException || ex instanceof CannotCreateTransactionException
				|| ex instanceof SQLTransientConnectionException || ex instanceof SQLNonTransientConnectionException
				|| ex instanceof SQLRecoverableException) {
			return true;
		}
		if (ex instanceof SQLException sql) {
			String state = state(sql);
			return state.startsWith("08") || CONNECTION_STATES.contains(state)
					|| H2_CONNECTION_CODES.contains(sql.getErrorCode())
					|| MARIADB_CONNECTION_CODES.contains(sql.getErrorCode());
		}
		return false;
	}

	private static boolean isSchema(Throwable ex) {
		if (ex instanceof InvalidDataAccessResourceUsageException) {
			return true;
		}
		return ex instanceof SQLException sql && (state(sql).startsWith("42") || state(sql).equals("3F000"));
	}

	private static boolean isTransient(Throwable ex) {
		if (ex instanceof TransientDataAccessException || ex instanceof SQLTransientException) {
			return true;
		}
		return ex instanceof SQLException sql
				&& (TRANSIENT_STATES.contains(state(sql)) || MARIADB_TRANSIENT_CODES.contains(sql.getErrorCode()));
	}

	private static String state(SQLException ex) {
		return (ex.getSQLState() != null) ? ex.getSQLState() : "";
	}

	/**
	 * The failure, its causes, and the exceptions a driver chained to each SQL exception. A
	 * rollback that failed after a statement failed stands for the statement's failure: on a
	 * connection the database closed because of that statement, the rollback fails too.
	 */
	private static List<Throwable> chain(Throwable ex) {
		List<Throwable> chain = new ArrayList<>();
		add(chain, (ex instanceof TransactionSystemException rollback && rollback.getApplicationException() != null)
				? rollback.getApplicationException() : ex);
		return chain;
	}

	private static void add(List<Throwable> chain, @Nullable Throwable ex) {
		if (ex == null || chain.stream().anyMatch((seen) -> seen == ex)) {
			return;
		}
		chain.add(ex);
		if (ex instanceof SQLException sql) {
			add(chain, sql.getNextException());
		}
		add(chain, ex.getCause());
	}

}

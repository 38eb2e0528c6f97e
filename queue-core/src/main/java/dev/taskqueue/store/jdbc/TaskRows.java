package dev.taskqueue.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionSystemException;

import dev.taskqueue.TaskStatus;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.store.DatabaseFailure;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.store.jdbc.dialect.InstantText;

/**
 * Writes task rows: in one statement for them all where the dialect has one, else in a JDBC
 * batch, waking listening nodes in the same statement where the dialect can.
 */
final class TaskRows {

	/**
	 * The parameters of {@link Dialect#insertTask()}, or of one row of
	 * {@link Dialect#insertTaskRows}, bound by {@link #setTask}.
	 */
	private static final int INSERT_PARAMETERS = 15;

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final Statements sql;

	private final InstantText instantText = new InstantText();

	TaskRows(JdbcSupport support) {
		this.support = support;
		this.jdbc = support.jdbc();
		this.dialect = support.dialect();
		this.sql = support.sql();
	}

	/**
	 * Whether one statement inserts this many ready tasks and wakes listening nodes, on a
	 * database that can wake them.
	 */
	boolean isOneStatement(int count) {
		return insertStatement(count, this.sql.notify != null) != null;
	}

	/**
	 * Inserts tasks without parents or keys in one statement on a connection in auto-commit
	 * mode; on one that is not, which holds no transaction of the caller's yet may have work
	 * of its own, it inserts nothing. The statement wakes listening nodes if asked and some
	 * task is ready at once.
	 * @return whether it inserted the tasks
	 */
	boolean insertAlone(Connection connection, List<NewTask> tasks, boolean wakeOtherNodes) throws SQLException {
		if (!connection.getAutoCommit()) {
			return false;
		}
		boolean notify = wakeOtherNodes && this.sql.notify != null && tasks.stream().anyMatch(Placement.READY::isDue);
		String insert = insertStatement(tasks.size(), notify);
		try (PreparedStatement ps = connection.prepareStatement(insert)) {
			setTasks(ps, tasks, Collections.nCopies(tasks.size(), Placement.READY), inRows(tasks.size()), notify);
			ps.execute();
		}
		catch (SQLException ex) {
			throw unknownIfConnectionLost(ex);
		}
		return true;
	}

	/**
	 * The failure of a statement that was its own commit, to throw; if the connection was
	 * lost, whether it reached the database is unknown, and that is thrown instead.
	 */
	private static SQLException unknownIfConnectionLost(SQLException ex) {
		if (DatabaseFailure.of(ex) == DatabaseFailure.CONNECTION) {
			throw new TransactionSystemException("Lost the connection while an insert committed", ex);
		}
		return ex;
	}

	/** Whether the dialect inserts this many tasks with a claim in one round trip. */
	boolean canInsertThenClaim(int count) {
		return count <= this.sql.insertTaskRowsThenClaim.size();
	}

	/**
	 * Inserts tasks without parents or keys, and claims ready tasks of the queue in the same
	 * round trip, in one statement of rows of values followed by the claim, on a connection in
	 * auto-commit mode; on one that is not, or where the dialect has no such statement for
	 * this many tasks, it inserts nothing.
	 * @return the tasks claimed, in claim order, or {@code null} if it inserted nothing
	 */
	@Nullable List<ClaimedTask> insertThenClaim(Connection connection, List<NewTask> tasks, TaskClaims claims,
			String queue, int limit, String worker, Instant now, Instant leaseUntil) throws SQLException {
		int count = tasks.size();
		if (!canInsertThenClaim(count) || !connection.getAutoCommit()) {
			return null;
		}
		TaskClaims.Leading insert = new TaskClaims.Leading() {

			@Override
			public String thenClaim(boolean afterPosition) {
				return (afterPosition ? TaskRows.this.sql.insertTaskRowsThenClaimAfter
						: TaskRows.this.sql.insertTaskRowsThenClaim).get(count - 1);
			}

			@Override
			public int bind(PreparedStatement ps) throws SQLException {
				setTasks(ps, tasks, Collections.nCopies(count, Placement.READY), true, false);
				return count * INSERT_PARAMETERS;
			}

		};
		try {
			return claims.claimAfter(connection, insert, queue, limit, worker, now, leaseUntil);
		}
		catch (SQLException ex) {
			throw unknownIfConnectionLost(ex);
		}
	}

	/**
	 * Inserts tasks in one statement where the dialect allows, else in a batch, and wakes
	 * listening nodes with the same statement if asked and the dialect can.
	 * @return whether the statement woke listening nodes
	 */
	boolean insert(List<NewTask> tasks, List<Placement> placements, boolean notify) {
		if (tasks.isEmpty()) {
			return false;
		}
		boolean inRows = inRows(tasks.size());
		String withNotification = notify ? insertStatement(tasks.size(), true) : null;
		if (withNotification != null) {
			write(withNotification, inRows, this.sql.insertTask, tasks, placements, true);
			return true;
		}
		write(insertStatement(tasks.size(), false), inRows, this.sql.insertTask, tasks, placements, false);
		return false;
	}

	/**
	 * Inserts tasks with one statement that inserts them all, in rows of values or in arrays,
	 * if there is one, else with a batch of one that inserts a task.
	 */
	private void write(@Nullable String all, boolean inRows, String each, List<NewTask> tasks,
			List<Placement> placements, boolean notify) {
		if (all != null) {
			this.jdbc.execute(all, (PreparedStatement ps) -> {
				setTasks(ps, tasks, placements, inRows, notify);
				return ps.execute();
			});
		}
		else {
			this.jdbc.batchUpdate(each, JdbcSupport.batch(JdbcSupport.indexes(tasks.size()),
					(ps, i) -> setTask(ps, 0, tasks.get(i), placements.get(i))));
		}
	}

	/**
	 * The one statement that inserts the given number of tasks, waking listening nodes if
	 * asked; {@code null} if the dialect has none.
	 */
	private @Nullable String insertStatement(int count, boolean notify) {
		if (inRows(count)) {
			List<String> inserts = notify ? this.sql.insertTaskRowsAndNotify : this.sql.insertTaskRows;
			return (count <= inserts.size()) ? inserts.get(count - 1) : null;
		}
		return notify ? this.sql.insertTasksAndNotify : this.sql.insertTasks;
	}

	/** Whether {@link #insertStatement} inserts this many tasks in rows of values, not arrays. */
	private boolean inRows(int count) {
		return count <= this.sql.insertTaskRows.size();
	}

	/** Binds the parameters of {@link #insertStatement} or {@link Dialect#insertTasksUnlessKeyHeld()}. */
	private void setTasks(PreparedStatement ps, List<NewTask> tasks, List<Placement> placements, boolean inRows,
			boolean notify) throws SQLException {
		int parameters = INSERT_PARAMETERS;
		if (inRows) {
			for (int i = 0; i < tasks.size(); i++) {
				setTask(ps, i * INSERT_PARAMETERS, tasks.get(i), placements.get(i));
			}
			parameters = tasks.size() * INSERT_PARAMETERS;
		}
		else {
			setTaskColumns(ps, tasks, placements);
		}
		if (notify) {
			this.support.setReadyNotification(ps, parameters + 1);
		}
	}

	/** Binds each column of {@link Dialect#insertTasks()} as an array of text that it casts. */
	private void setTaskColumns(PreparedStatement ps, List<NewTask> tasks, List<Placement> placements)
			throws SQLException {
		@Nullable String[][] columns = new String[INSERT_PARAMETERS][tasks.size()];
		for (int i = 0; i < tasks.size(); i++) {
			NewTask task = tasks.get(i);
			Placement placement = placements.get(i);
			columns[0][i] = task.id().toString();
			columns[1][i] = task.type();
			columns[2][i] = task.queue();
			columns[3][i] = placement.status().name();
			columns[4][i] = Integer.toString(task.priority());
			columns[5][i] = this.instantText.of(task.runAt());
			columns[6][i] = Integer.toString(placement.waitingFor());
			columns[7][i] = task.payload();
			columns[8][i] = task.key();
			columns[9][i] = OptionsColumn.write(task.options());
			columns[10][i] = (task.jobId() != null) ? task.jobId().toString() : null;
			columns[11][i] = this.instantText.of(task.createdAt());
			columns[12][i] = (placement.status() == TaskStatus.CANCELLED) ? this.instantText.of(task.createdAt()) : null;
			columns[13][i] = (task.scheduleSlot() != null) ? task.scheduleSlot().schedule() : null;
			columns[14][i] = (task.scheduleSlot() != null) ? this.instantText.of(task.scheduleSlot().slot()) : null;
		}
		Connection connection = ps.getConnection();
		for (int column = 0; column < INSERT_PARAMETERS; column++) {
			ps.setArray(column + 1, connection.createArrayOf("text", columns[column]));
		}
	}

	/**
	 * Inserts tasks with unique keys, without an error for those whose key an unfinished task
	 * holds where the dialect can; they are then not inserted.
	 * @return whether every task was inserted, which only a dialect that inserts them all in
	 * one statement tells; {@code false} where it is not known
	 */
	boolean insertUnlessKeysHeld(List<NewTask> tasks, List<Placement> placements) {
		String all = this.sql.insertTasksUnlessKeyHeld;
		if (all == null) {
			write(null, false,
					(this.sql.insertTaskUnlessKeyHeld != null) ? this.sql.insertTaskUnlessKeyHeld : this.sql.insertTask,
					tasks, placements, false);
			return false;
		}
		Integer inserted = this.jdbc.execute(all, (PreparedStatement ps) -> {
			setTasks(ps, tasks, placements, false, false);
			ps.execute();
			return ps.getUpdateCount();
		});
		return inserted != null && inserted == tasks.size();
	}

	/** Inserts one task with the given form of {@link Dialect#insertTask()}. */
	void insertOne(String insert, NewTask task, Placement placement) {
		this.jdbc.update(insert, (ps) -> setTask(ps, 0, task, placement));
	}

	/** Binds a task's parameters after the given number of others. */
	private void setTask(PreparedStatement ps, int before, NewTask task, Placement placement) throws SQLException {
		this.dialect.setId(ps, before + 1, task.id());
		ps.setString(before + 2, task.type());
		ps.setString(before + 3, task.queue());
		ps.setString(before + 4, placement.status().name());
		ps.setInt(before + 5, task.priority());
		this.dialect.setInstant(ps, before + 6, task.runAt());
		ps.setInt(before + 7, placement.waitingFor());
		ps.setString(before + 8, task.payload());
		ps.setString(before + 9, task.key());
		ps.setString(before + 10, OptionsColumn.write(task.options()));
		this.dialect.setNullableId(ps, before + 11, task.jobId());
		this.dialect.setInstant(ps, before + 12, task.createdAt());
		this.dialect.setInstant(ps, before + 13,
				(placement.status() == TaskStatus.CANCELLED) ? task.createdAt() : null);
		ScheduleSlot slot = task.scheduleSlot();
		ps.setString(before + 14, (slot != null) ? slot.schedule() : null);
		this.dialect.setInstant(ps, before + 15, (slot != null) ? slot.slot() : null);
	}

}

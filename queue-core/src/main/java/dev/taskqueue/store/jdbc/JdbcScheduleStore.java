package dev.taskqueue.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.util.Assert;

import dev.taskqueue.TaskStatus;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.schedule.ScheduleRun;
import dev.taskqueue.schedule.ScheduleSlot;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.StoredSchedule;
import dev.taskqueue.store.jdbc.dialect.Dialect;

/**
 * Schedules and their fired slots on a JDBC DataSource. A slot is fired by inserting its row,
 * whose primary key (schedule name, slot instant) refuses a second one, together with its
 * task. Every write that fires slots first locks the schedule's row, so that writers of one
 * schedule's slots take turns; the periodic firing locks due rows skipping those locked, so
 * that nodes firing at once take different schedules. Writes of the API join the caller's
 * Spring transaction on the same DataSource, if there is one.
 * <p>
 * Internal, not for application use.
 *
 * @since 0.1.0
 */
public final class JdbcScheduleStore {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final TaskInserts inserts;

	private final ScheduleRowMapper rowMapper;

	private final String insertSchedule;

	private final String updateSchedule;

	private final String advanceSchedule;

	private final String pauseSchedule;

	private final String touchSchedule;

	private final String selectSchedule;

	private final String selectSchedules;

	private final String lockDueSchedules;

	private final String deleteSchedule;

	private final String deleteScheduleOfVersion;

	private final String deleteScheduleSlots;

	private final String insertScheduleSlot;

	private final String selectScheduleRuns;

	private final String selectLatestScheduleRuns;

	private final String selectRecordedSlots;

	private final String selectScheduleSlots;

	/**
	 * Create a store.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 * @param codec reads stored JSON
	 * @param nodeId the node's name, sent with its notifications
	 * @param metrics counts the tasks its schedules fire
	 */
	public JdbcScheduleStore(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec,
			String nodeId, TaskQueueMetrics metrics) {
		this.support = new JdbcSupport(dataSource, dialect, tablePrefix, codec, nodeId, metrics);
		this.jdbc = this.support.jdbc();
		this.dialect = dialect;
		this.inserts = new TaskInserts(this.support);
		this.rowMapper = new ScheduleRowMapper(dialect);
		this.insertSchedule = Statements.prefixed(dialect.insertSchedule(), tablePrefix);
		this.updateSchedule = Statements.prefixed(dialect.updateSchedule(), tablePrefix);
		this.advanceSchedule = Statements.prefixed(dialect.advanceSchedule(), tablePrefix);
		this.pauseSchedule = Statements.prefixed(dialect.pauseSchedule(), tablePrefix);
		this.touchSchedule = Statements.prefixed(dialect.touchSchedule(), tablePrefix);
		this.selectSchedule = Statements.prefixed(dialect.selectSchedule(), tablePrefix);
		this.selectSchedules = Statements.prefixed(dialect.selectSchedules(), tablePrefix);
		this.lockDueSchedules = Statements.prefixed(dialect.lockDueSchedules(), tablePrefix);
		this.deleteSchedule = Statements.prefixed(dialect.deleteSchedule(), tablePrefix);
		this.deleteScheduleOfVersion = Statements.prefixed(dialect.deleteScheduleOfVersion(), tablePrefix);
		this.deleteScheduleSlots = Statements.prefixed(dialect.deleteScheduleSlots(), tablePrefix);
		this.insertScheduleSlot = Statements.prefixed(dialect.insertScheduleSlot(), tablePrefix);
		this.selectScheduleRuns = Statements.prefixed(dialect.selectScheduleRuns(), tablePrefix);
		this.selectLatestScheduleRuns = Statements.prefixed(dialect.selectLatestScheduleRuns(), tablePrefix);
		this.selectRecordedSlots = Statements.prefixed(dialect.selectRecordedSlots(), tablePrefix);
		this.selectScheduleSlots = Statements.prefixed(dialect.selectScheduleSlots(), tablePrefix);
	}

	/**
	 * Run writes in one transaction: the caller's if it has one open on the DataSource, else
	 * one of their own, so that they apply whole or not at all.
	 * @param writes the writes
	 */
	public void inOneTransaction(Runnable writes) {
		this.support.inCallerTransaction((transaction) -> {
			writes.run();
			return null;
		});
	}

	/**
	 * Look a schedule up.
	 * @param name the schedule's name
	 * @return the schedule, or empty
	 */
	public Optional<StoredSchedule> find(String name) {
		return this.jdbc.query(this.selectSchedule, this.rowMapper, name).stream().findFirst();
	}

	/**
	 * List every schedule, by name.
	 * @return the schedules
	 */
	public List<StoredSchedule> list() {
		return this.jdbc.query(this.selectSchedules, this.rowMapper);
	}

	/**
	 * Insert a schedule, joining the caller's transaction if there is one.
	 * @param schedule the schedule; its version and last slot are ignored
	 * @param now the current time
	 * @return {@code false} if a schedule of that name exists; nothing is written then
	 */
	public boolean create(StoredSchedule schedule, Instant now) {
		return this.support.inCallerTransaction((transaction) -> {
			Object savepoint = transaction.createSavepoint();
			try {
				this.jdbc.update(this.insertSchedule, (ps) -> {
					ps.setString(1, schedule.name());
					int next = this.rowMapper.setDefinition(ps, 2, schedule);
					this.dialect.setInstant(ps, next, schedule.nextSlot());
					this.dialect.setInstant(ps, next + 1, schedule.createdAt());
					this.dialect.setInstant(ps, next + 2, now);
				});
				transaction.releaseSavepoint(savepoint);
				return true;
			}
			catch (DuplicateKeyException ex) {
				transaction.rollbackToSavepoint(savepoint);
				return false;
			}
		});
	}

	/**
	 * Replace a schedule's definition and next slot, if its version is still the given one.
	 * @param schedule the new definition and next slot
	 * @param version the version read
	 * @param now the current time
	 * @return {@code false} if the schedule changed or went meanwhile; nothing is written then
	 */
	public boolean update(StoredSchedule schedule, long version, Instant now) {
		return this.support.inCallerTransaction((transaction) -> this.jdbc.update(this.updateSchedule, (ps) -> {
			int next = this.rowMapper.setDefinition(ps, 1, schedule);
			this.dialect.setInstant(ps, next, schedule.nextSlot());
			this.dialect.setInstant(ps, next + 1, now);
			ps.setString(next + 2, schedule.name());
			ps.setLong(next + 3, version);
		}) == 1);
	}

	/**
	 * Pause or resume a schedule, if its version is still the given one.
	 * @param name the schedule's name
	 * @param version the version read
	 * @param paused whether to pause it
	 * @param nextSlot its next slot
	 * @param now the current time
	 * @return {@code false} if the schedule changed or went meanwhile
	 */
	public boolean setPaused(String name, long version, boolean paused, @Nullable Instant nextSlot, Instant now) {
		return this.support.inCallerTransaction((transaction) -> this.jdbc.update(this.pauseSchedule, (ps) -> {
			ps.setBoolean(1, paused);
			this.dialect.setInstant(ps, 2, nextSlot);
			this.dialect.setInstant(ps, 3, now);
			ps.setString(4, name);
			ps.setLong(5, version);
		}) == 1);
	}

	/**
	 * Delete a schedule and the record of its fired slots; its tasks are kept.
	 * @param name the schedule's name
	 * @return {@code true} if it existed
	 */
	public boolean delete(String name) {
		return delete(name, this.deleteSchedule, name);
	}

	/**
	 * Delete a schedule and the record of its fired slots, if its version is still the given
	 * one; its tasks are kept.
	 * @param name the schedule's name
	 * @param version the version read
	 * @return {@code true} if it was deleted
	 */
	public boolean delete(String name, long version) {
		return delete(name, this.deleteScheduleOfVersion, name, version);
	}

	private boolean delete(String name, String deleteSchedule, Object... parameters) {
		return this.support.inCallerTransaction((transaction) -> {
			boolean deleted = this.jdbc.update(deleteSchedule, parameters) > 0;
			if (deleted) {
				this.jdbc.update(this.deleteScheduleSlots, name);
			}
			return deleted;
		});
	}

	/**
	 * Read a schedule's fired slots and their tasks, latest first.
	 * @param name the schedule's name
	 * @param limit how many at most
	 * @return the runs
	 */
	public List<ScheduleRun> runs(String name, int limit) {
		return this.jdbc.query(this.selectScheduleRuns, (ps) -> {
			ps.setString(1, name);
			ps.setInt(2, limit);
		}, (rs, rowNum) -> run(rs));
	}

	/**
	 * Read every schedule's latest fired slot and its task, with one query.
	 * @return the latest runs, by schedule name; schedules that never fired are absent
	 */
	public Map<String, ScheduleRun> latestRuns() {
		Map<String, ScheduleRun> runs = new HashMap<>();
		this.jdbc.query(this.selectLatestScheduleRuns,
				(RowCallbackHandler) (rs) -> runs.put(rs.getString("schedule_name"), run(rs)));
		return runs;
	}

	private ScheduleRun run(ResultSet rs) throws SQLException {
		String status = rs.getString("status");
		return new ScheduleRun(this.rowMapper.required(rs, "slot_at"), this.dialect.getId(rs, "task_id"),
				(status != null) ? TaskStatus.valueOf(status) : null, this.rowMapper.required(rs, "fired_at"));
	}

	/**
	 * Fire due schedules in one short transaction: lock up to {@code limit} active schedules
	 * whose next slot has come, skipping those another node has locked, with one indexed
	 * query; move each on past the slots it fires, and insert each slot's row and task.
	 * Nodes firing at once so take different schedules, and a schedule locked by one waits
	 * for its firing to commit before it can change or fire again.
	 * @param now the current time, the database's
	 * @param limit how many schedules at most
	 * @param plan works out the firing of a schedule, in the same transaction; {@code null}
	 * to leave it as it is
	 * @return how many due schedules fired
	 * @throws DuplicateKeyException if a slot was fired already; nothing is written then
	 */
	public int fireDue(Instant now, int limit, Function<StoredSchedule, @Nullable Firing> plan) {
		Integer count = this.support.workerTransaction().execute((status) -> {
			List<StoredSchedule> due = this.jdbc.query(this.lockDueSchedules, (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				ps.setInt(2, limit);
			}, this.rowMapper);
			List<StoredSchedule> fired = new ArrayList<>(due.size());
			List<Firing> firings = new ArrayList<>(due.size());
			for (StoredSchedule schedule : due) {
				Firing firing = plan.apply(schedule);
				if (firing != null) {
					fired.add(schedule);
					firings.add(firing);
				}
			}
			if (!fired.isEmpty()) {
				// The rows are locked: each version is still the one read
				int[] advanced = this.jdbc.batchUpdate(this.advanceSchedule,
						JdbcSupport.batch(JdbcSupport.indexes(fired.size()), (ps, i) -> {
							this.dialect.setInstant(ps, 1, firings.get(i).lastSlot());
							this.dialect.setInstant(ps, 2, firings.get(i).nextSlot());
							this.dialect.setInstant(ps, 3, now);
							ps.setString(4, fired.get(i).name());
							ps.setLong(5, fired.get(i).version());
						}));
				for (int rows : advanced) {
					Assert.state(rows != 0, "A schedule locked for firing changed");
				}
				insertSlots(withoutRecordedSlots(firings.stream().flatMap((firing) -> firing.tasks().stream()).toList()),
						now);
			}
			return fired.size();
		});
		return (count != null) ? count : 0;
	}

	/**
	 * Fire slots of a schedule outside its cadence (now, or a backfilled range) in one
	 * transaction, leaving out those fired already.
	 * @param name the schedule's name
	 * @param from the first slot instant that may be given, inclusive
	 * @param to the end of the range, exclusive
	 * @param tasks gives the tasks to insert, each with its slot, from the slots fired in the
	 * range already
	 * @param now the current time
	 * @return the tasks inserted, or {@code null} if there is no schedule of that name
	 */
	public @Nullable List<NewTask> fireOutOfCadence(String name, Instant from, Instant to,
			Function<Set<Instant>, List<NewTask>> tasks, Instant now) {
		Assert.isTrue(!to.isBefore(from), "'to' must not be before 'from'");
		return this.support.inCallerTransaction((transaction) -> {
			// Locks the schedule's row, so that this waits for a node firing it
			if (this.jdbc.update(this.touchSchedule, (ps) -> {
				this.dialect.setInstant(ps, 1, now);
				ps.setString(2, name);
			}) == 0) {
				return null;
			}
			Set<Instant> fired = new HashSet<>();
			this.jdbc.query(this.selectScheduleSlots, (ps) -> {
				ps.setString(1, name);
				this.dialect.setInstant(ps, 2, from);
				this.dialect.setInstant(ps, 3, to);
			}, (rs) -> {
				fired.add(this.rowMapper.required(rs, "slot_at"));
			});
			List<NewTask> newTasks = tasks.apply(fired);
			insertSlots(newTasks, now);
			return newTasks;
		});
	}

	/**
	 * Leave out the tasks of slots a trigger or a backfill has recorded already: their key
	 * would fail the whole firing, again at every poll.
	 */
	private List<NewTask> withoutRecordedSlots(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return tasks;
		}
		List<String> names = tasks.stream().map((task) -> slot(task).schedule()).distinct().toList();
		Instant earliest = tasks.stream().map((task) -> slot(task).slot()).min(Instant::compareTo).orElseThrow();
		Set<ScheduleSlot> recorded = new HashSet<>(
				this.jdbc.query(Statements.withIds(this.selectRecordedSlots, names.size()), (ps) -> {
					for (int i = 0; i < names.size(); i++) {
						ps.setString(i + 1, names.get(i));
					}
					this.dialect.setInstant(ps, names.size() + 1, earliest);
				}, (rs, row) -> new ScheduleSlot(rs.getString("schedule_name"), this.rowMapper.required(rs, "slot_at"))));
		return recorded.isEmpty() ? tasks : tasks.stream().filter((task) -> !recorded.contains(slot(task))).toList();
	}

	private static ScheduleSlot slot(NewTask task) {
		ScheduleSlot slot = task.scheduleSlot();
		Assert.state(slot != null, "A scheduled task has its slot");
		return slot;
	}

	private void insertSlots(List<NewTask> tasks, Instant now) {
		if (tasks.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate(this.insertScheduleSlot, JdbcSupport.batch(tasks, (ps, task) -> {
			ScheduleSlot slot = slot(task);
			ps.setString(1, slot.schedule());
			this.dialect.setInstant(ps, 2, slot.slot());
			this.dialect.setId(ps, 3, task.id());
			this.dialect.setInstant(ps, 4, now);
		}));
		this.inserts.insert(tasks, true);
	}

	/**
	 * How one due schedule fires.
	 *
	 * @param lastSlot its latest cadence slot fired, after this
	 * @param nextSlot its next slot, after this
	 * @param tasks the tasks of the slots it fires, each with its slot
	 */
	public record Firing(@Nullable Instant lastSlot, @Nullable Instant nextSlot, List<NewTask> tasks) {
	}

}

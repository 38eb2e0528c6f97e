package dev.taskqueue.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

import dev.taskqueue.JobState;
import dev.taskqueue.JobStatus;
import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskProgress;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.Flow;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.TaskBrowser;
import dev.taskqueue.browse.TaskDetail;
import dev.taskqueue.browse.TaskFilter;
import dev.taskqueue.browse.TaskLink;
import dev.taskqueue.browse.TaskSummary;
import dev.taskqueue.browse.ThroughputBucket;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.metrics.TaskQueueMetrics;
import dev.taskqueue.store.jdbc.dialect.Dialect;
import dev.taskqueue.store.jdbc.dialect.TaskCondition;

/**
 * The {@link TaskBrowser} on a JDBC DataSource: every filter is a fixed condition of the
 * {@link Dialect} with its value bound as a parameter, and every page starts after the id the
 * previous one ended with.
 *
 * @since 0.1.0
 */
public final class JdbcTaskBrowser implements TaskBrowser {

	private final JdbcSupport support;

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final String tablePrefix;

	private final TaskReads reads;

	/**
	 * How far ahead of the database's clock a node's clock may run when it makes ids: a task
	 * created before a time has an id made before that time plus this margin.
	 */
	static final Duration CLOCK_MARGIN = Duration.ofHours(1);

	private final Map<List<Object>, String> taskPages = new ConcurrentHashMap<>();

	private final ListScan scan;

	private final Map<List<Object>, String> windowStarts = new ConcurrentHashMap<>();

	private final String selectTaskOptions;

	private final String selectParentLinks;

	private final String selectChildLinks;

	private final String selectEdgesOf;

	private final String selectTaskLinks;

	private final String countTasksOfJobs;

	private final String countFinishedPerMinute;

	private final int countFinishedPerMinuteParameters;

	/**
	 * Create a browser.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 * @param codec reads stored JSON
	 */
	public JdbcTaskBrowser(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec) {
		this(dataSource, dialect, tablePrefix, codec, ListScan.DEFAULT);
	}

	/**
	 * Create a browser that reads task lists in windows of its own size.
	 * @param dataSource the DataSource holding the task tables
	 * @param dialect the SQL of its database
	 * @param tablePrefix the prefix of the task tables
	 * @param codec reads stored JSON
	 * @param scan how much of the table a filtered page reads
	 */
	public JdbcTaskBrowser(DataSource dataSource, Dialect dialect, String tablePrefix, PayloadCodec codec,
			ListScan scan) {
		this.scan = scan;
		this.support = new JdbcSupport(dataSource, dialect, tablePrefix, codec, "", TaskQueueMetrics.of(null));
		this.jdbc = this.support.jdbc();
		this.dialect = dialect;
		this.tablePrefix = tablePrefix;
		this.reads = new TaskReads(this.support);
		this.selectTaskOptions = Statements.prefixed(dialect.selectTaskOptions(), tablePrefix);
		this.selectParentLinks = Statements.prefixed(dialect.selectParentLinks(), tablePrefix);
		this.selectChildLinks = Statements.prefixed(dialect.selectChildLinks(), tablePrefix);
		this.selectEdgesOf = Statements.prefixed(dialect.selectEdgesOf(), tablePrefix);
		this.selectTaskLinks = Statements.prefixed(dialect.selectTaskLinks(), tablePrefix);
		this.countTasksOfJobs = Statements.prefixed(dialect.countTasksOfJobs(), tablePrefix);
		this.countFinishedPerMinute = Statements.prefixed(dialect.countFinishedPerMinute(), tablePrefix);
		this.countFinishedPerMinuteParameters = (int) this.countFinishedPerMinute.chars()
			.filter((c) -> c == '?')
			.count();
	}

	@Override
	public Page<TaskSummary> tasks(TaskFilter filter, @Nullable UUID after, int limit) {
		checkLimit(limit);
		Map<TaskCondition, Object> values = new EnumMap<>(TaskCondition.class);
		putIfPresent(values, TaskCondition.TYPE, filter.type());
		putIfPresent(values, TaskCondition.QUEUE, filter.queue());
		putIfPresent(values, TaskCondition.JOB, filter.jobId());
		putIfPresent(values, TaskCondition.CREATED_FROM, filter.from());
		putIfPresent(values, TaskCondition.CREATED_BEFORE, filter.to());
		UUID upper = before(after, filter.to());
		if ((values.isEmpty() && filter.status() == null) || filter.status() == TaskStatus.RUNNING) {
			// Every task matches, so the page is the first rows below the cursor; or only running
			// tasks do, no more than the workers' slots, found through the lease index
			return Page.of(read(filter.status(), values, upper, null, limit + 1), limit, TaskSummary::id);
		}
		// A filter that matches few tasks would have the database read the table down to its
		// oldest row: read it in growing windows of ids instead (of the primary key, or of the
		// status's index), until the page is full, the table ends or the request's time is spent
		long start = System.nanoTime();
		long budget = this.scan.budget().toNanos();
		long scanned = 0;
		int window = this.scan.firstWindow();
		List<TaskSummary> found = new ArrayList<>();
		while (true) {
			UUID lower = windowStart(filter.status(), upper, window);
			found.addAll(read(filter.status(), values, upper, lower, limit + 1 - found.size()));
			if (found.size() > limit || lower == null) {
				return Page.of(found, limit, TaskSummary::id);
			}
			scanned += window;
			long spent = System.nanoTime() - start;
			if (spent >= budget) {
				return (found.size() < limit) ? Page.scannedTo(found, lower)
						: new Page<>(found, found.get(limit - 1).id());
			}
			upper = lower;
			// No larger than the rest of the budget holds at the pace so far: a row of an index
			// whose tasks are read from all over the table costs far more than one of the table
			long fits = Math.max(1, (budget - spent) * scanned / Math.max(1, spent));
			window = (int) Math.min(Math.min(2L * window, this.scan.maxWindow()), fits);
		}
	}

	/**
	 * Read the tasks of a filter in a window of ids, newest first.
	 * @param upper the id the tasks are below, or {@code null} for the newest
	 * @param lower the lowest id, or {@code null} for the oldest
	 */
	private List<TaskSummary> read(@Nullable TaskStatus status, Map<TaskCondition, Object> filter,
			@Nullable UUID upper, @Nullable UUID lower, int rows) {
		Map<TaskCondition, Object> values = new EnumMap<>(TaskCondition.class);
		values.putAll(filter);
		putIfPresent(values, TaskCondition.BEFORE_ID, upper);
		putIfPresent(values, TaskCondition.FROM_ID, lower);
		Set<TaskCondition> conditions = conditionsOrNone(values);
		String sql = this.taskPages.computeIfAbsent(Arrays.asList(status, conditions),
				(key) -> Statements.prefixed(this.dialect.browseTasks(status, conditions), this.tablePrefix));
		return this.jdbc.query(sql, (ps) -> {
			int index = 1;
			for (Object value : values.values()) {
				bind(ps, index++, value);
			}
			ps.setInt(index, rows);
		}, (rs, rowNum) -> summary(rs));
	}

	/**
	 * The lowest id of the window of {@code rows} ids below an id, or {@code null} if fewer rows
	 * are left.
	 * @param status the status the list is filtered by, which may have an index of its own
	 */
	private @Nullable UUID windowStart(@Nullable TaskStatus status, @Nullable UUID upper, int rows) {
		String sql = this.windowStarts.computeIfAbsent(Arrays.asList(status, upper != null),
				(key) -> Statements.prefixed(this.dialect.selectWindowStart(status, upper != null), this.tablePrefix));
		List<UUID> start = this.jdbc.query(sql, (ps) -> {
			int index = 1;
			if (upper != null) {
				this.dialect.setId(ps, index++, upper);
			}
			ps.setInt(index, rows - 1);
		}, (rs, rowNum) -> this.dialect.getId(rs, "id"));
		return start.isEmpty() ? null : start.get(0);
	}

	private static Set<TaskCondition> conditionsOrNone(Map<TaskCondition, Object> values) {
		return values.isEmpty() ? EnumSet.noneOf(TaskCondition.class) : EnumSet.copyOf(values.keySet());
	}

	/**
	 * The id a page starts after: the cursor's, or, for tasks created before a time, the lowest
	 * id made a clock margin after it if lower, so that the scan of the primary key starts near
	 * those tasks instead of at the newest; as a request is built before it is enqueued, its id
	 * is never made after the task's creation, but a node's clock may run ahead.
	 */
	private static @Nullable UUID before(@Nullable UUID after, @Nullable Instant to) {
		if (to == null) {
			return after;
		}
		UUID bound = TaskIds.lowest(to.plus(CLOCK_MARGIN));
		return (after == null || bound.compareTo(after) < 0) ? bound : after;
	}

	private static void putIfPresent(Map<TaskCondition, Object> values, TaskCondition condition,
			@Nullable Object value) {
		if (value != null) {
			values.put(condition, value);
		}
	}

	private void bind(PreparedStatement ps, int index, Object value) throws SQLException {
		if (value instanceof UUID id) {
			this.dialect.setId(ps, index, id);
		}
		else if (value instanceof Instant instant) {
			this.dialect.setInstant(ps, index, instant);
		}
		else {
			ps.setString(index, (String) value);
		}
	}

	private TaskSummary summary(ResultSet rs) throws SQLException {
		Instant progressAt = this.dialect.getInstant(rs, "progress_at");
		double fraction = rs.getDouble("progress");
		TaskProgress progress = (progressAt != null && !rs.wasNull())
				? new TaskProgress(fraction, rs.getString("progress_message"), progressAt) : null;
		return new TaskSummary(this.dialect.getId(rs, "id"), rs.getString("type"), rs.getString("queue"),
				TaskStatus.valueOf(rs.getString("status")), rs.getInt("priority"), rs.getInt("attempts"),
				this.support.rowMapper().required(rs, "run_at"), this.support.rowMapper().required(rs, "created_at"),
				this.dialect.getInstant(rs, "started_at"), this.dialect.getInstant(rs, "finished_at"),
				this.dialect.getNullableId(rs, "job_id"), progress, rs.getString("error_message"),
				rs.getString("worker"));
	}

	@Override
	public Optional<TaskDetail> task(UUID id) {
		return this.reads.find(id).map((task) -> {
			List<String> options = this.jdbc.query(this.selectTaskOptions, (ps) -> this.dialect.setId(ps, 1, id),
					(rs, rowNum) -> rs.getString("options"));
			return new TaskDetail(task, OptionsColumn.read(options.isEmpty() ? null : options.get(0)),
					links(this.selectParentLinks, id), links(this.selectChildLinks, id));
		});
	}

	private List<TaskLink> links(String sql, UUID id) {
		return this.jdbc.query(sql, (ps) -> this.dialect.setId(ps, 1, id), (rs, rowNum) -> link(rs));
	}

	private TaskLink link(ResultSet rs) throws SQLException {
		return new TaskLink(this.dialect.getId(rs, "id"), rs.getString("type"),
				TaskStatus.valueOf(rs.getString("status")));
	}

	@Override
	public Optional<Flow> flow(UUID id, int maxTasks) {
		Assert.isTrue(maxTasks > 0, "'maxTasks' must be positive");
		Set<UUID> seen = new LinkedHashSet<>(List.of(id));
		Map<List<UUID>, Flow.Edge> edges = new LinkedHashMap<>();
		List<UUID> frontier = List.of(id);
		boolean truncated = false;
		// Breadth first, one query per level and chunk of ids, until nothing new or enough. Each
		// query reads at most one edge more than the bound, so that a task with a great many
		// children costs no more than the bound; one that reaches it means the flow may go on.
		int maxEdges = maxTasks + 1;
		while (!frontier.isEmpty() && !truncated) {
			List<UUID> next = new ArrayList<>();
			for (List<UUID> chunk : JdbcSupport.chunks(frontier)) {
				int[] read = { 0 };
				this.jdbc.query(Statements.withIds(this.selectEdgesOf, chunk.size()), (ps) -> {
					ps.setMaxRows(maxEdges);
					this.support.setIds(ps, 1, chunk);
					this.support.setIds(ps, 1 + chunk.size(), chunk);
				}, (rs) -> {
					if (read[0]++ >= maxEdges) {
						return;
					}
					UUID parent = this.dialect.getId(rs, "parent_id");
					UUID child = this.dialect.getId(rs, "child_id");
					edges.put(List.of(parent, child), new Flow.Edge(parent, child, rs.getBoolean("even_if_failed")));
					for (UUID task : List.of(parent, child)) {
						if (!seen.contains(task)) {
							seen.add(task);
							next.add(task);
						}
					}
				});
				if (read[0] >= maxEdges || seen.size() > maxTasks) {
					truncated = true;
					break;
				}
			}
			frontier = next;
		}
		List<UUID> kept = seen.stream().limit(maxTasks).toList();
		Map<UUID, TaskLink> nodes = new HashMap<>();
		for (List<UUID> chunk : JdbcSupport.chunks(kept)) {
			this.jdbc.query(Statements.withIds(this.selectTaskLinks, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						TaskLink link = link(rs);
						nodes.put(link.id(), link);
					});
		}
		if (!nodes.containsKey(id)) {
			return Optional.empty();
		}
		List<TaskLink> ordered = kept.stream().filter(nodes::containsKey).map(nodes::get).toList();
		List<Flow.Edge> keptEdges = edges.values()
			.stream()
			.filter((edge) -> nodes.containsKey(edge.from()) && nodes.containsKey(edge.to()))
			.toList();
		return Optional.of(new Flow(ordered, keptEdges, truncated));
	}

	@Override
	public Page<JobState> jobs(@Nullable JobStatus status, @Nullable UUID after, int limit) {
		checkLimit(limit);
		String sql = Statements.prefixed(this.dialect.browseJobs(status != null, after != null), this.tablePrefix);
		List<JobState> read = this.support.inOneSnapshot(() -> {
			List<JobRow> rows = this.jdbc.query(sql, (ps) -> {
				int index = 1;
				if (status != null) {
					ps.setString(index++, status.name());
				}
				if (after != null) {
					this.dialect.setId(ps, index++, after);
				}
				ps.setInt(index, limit + 1);
			}, (rs, rowNum) -> jobRow(rs));
			Map<UUID, Map<TaskStatus, Integer>> counts = countTasksOfJobs(rows.stream().map(JobRow::id).toList());
			return rows.stream()
				.map((row) -> JobProgress.state(row.id(), row.name(), row.status(), counts.get(row.id()),
						row.plannerStatus(), row.expectedTasks(), this.support.codec().value(row.result()),
						row.createdAt(), row.startedAt(), row.finishedAt()))
				.toList();
		});
		return Page.of(read, limit, JobState::id);
	}

	private JobRow jobRow(ResultSet rs) throws SQLException {
		String plannerStatus = rs.getString("planner_status");
		return new JobRow(this.dialect.getId(rs, "id"), rs.getString("name"), JobStatus.valueOf(rs.getString("status")),
				(plannerStatus != null) ? TaskStatus.valueOf(plannerStatus) : null,
				rs.getObject("expected_tasks", Integer.class), rs.getString("result"),
				this.support.rowMapper().required(rs, "created_at"), this.dialect.getInstant(rs, "started_at"),
				this.dialect.getInstant(rs, "finished_at"));
	}

	private Map<UUID, Map<TaskStatus, Integer>> countTasksOfJobs(List<UUID> jobIds) {
		Map<UUID, Map<TaskStatus, Integer>> counts = new HashMap<>();
		for (UUID jobId : jobIds) {
			Map<TaskStatus, Integer> none = new EnumMap<>(TaskStatus.class);
			for (TaskStatus status : TaskStatus.values()) {
				none.put(status, 0);
			}
			counts.put(jobId, none);
		}
		for (List<UUID> chunk : JdbcSupport.chunks(jobIds)) {
			this.jdbc.query(Statements.withIds(this.countTasksOfJobs, chunk.size()),
					(ps) -> this.support.setIds(ps, 1, chunk), (rs) -> {
						counts.get(this.dialect.getId(rs, "job_id"))
							.put(TaskStatus.valueOf(rs.getString("status")), rs.getInt("tasks"));
					});
		}
		return counts;
	}

	@Override
	public List<ThroughputBucket> throughput(Instant since) {
		Map<Instant, long[]> minutes = new TreeMap<>();
		this.jdbc.query(this.countFinishedPerMinute, (ps) -> {
			for (int index = 1; index <= this.countFinishedPerMinuteParameters; index++) {
				this.dialect.setInstant(ps, index, since);
			}
		}, (rs) -> {
			long[] counts = minutes.computeIfAbsent(this.support.rowMapper().required(rs, "minute_at"),
					(minute) -> new long[3]);
			int outcome = switch (TaskStatus.valueOf(rs.getString("status"))) {
				case SUCCEEDED -> 0;
				case FAILED -> 1;
				default -> 2;
			};
			counts[outcome] += rs.getLong("tasks");
		});
		List<ThroughputBucket> buckets = new ArrayList<>();
		minutes.forEach((minute, counts) -> buckets.add(new ThroughputBucket(minute, counts[0], counts[1], counts[2])));
		return buckets;
	}

	private static void checkLimit(int limit) {
		Assert.isTrue(limit > 0 && limit <= MAX_PAGE_SIZE,
				() -> "'limit' must be between 1 and " + MAX_PAGE_SIZE + ", not " + limit);
	}

	/**
	 * How much of the task table one page of a filtered task list reads: windows of the primary
	 * key (or of an index in id order that holds the tasks of the filtered status), the first of
	 * {@code firstWindow} ids and each next one twice as large up to {@code maxWindow} but no
	 * larger than the rest of the budget holds at the pace of the windows before, until the page
	 * is full or the windows read took {@code budget}; a page cut short by the budget says where
	 * to go on ({@link Page#scannedTo()}).
	 *
	 * @param firstWindow the ids of the first window
	 * @param maxWindow the most ids of a window
	 * @param budget the time after which no further window is read
	 * @since 0.1.0
	 */
	public record ListScan(int firstWindow, int maxWindow, Duration budget) {

		/**
		 * Windows of 1,000 to 50,000 ids for 40 ms: on PostgreSQL a window of 50,000 ids
		 * that matches nothing takes about 15 ms with its start (BENCHMARKS.md, section 9),
		 * so a request stays well under 100 ms.
		 */
		public static final ListScan DEFAULT = new ListScan(1_000, 50_000, Duration.ofMillis(40));

		public ListScan {
			Assert.isTrue(firstWindow > 0, "'firstWindow' must be positive");
			Assert.isTrue(maxWindow >= firstWindow, "'maxWindow' must be at least 'firstWindow'");
			Assert.isTrue(!budget.isNegative(), "'budget' must not be negative");
		}

	}

	private record JobRow(UUID id, String name, JobStatus status, @Nullable TaskStatus plannerStatus,
			@Nullable Integer expectedTasks, @Nullable String result, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {
	}

}

package dev.taskqueue.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

/**
 * CPU time of the database server processes behind the benchmark, read from
 * {@code /proc/<pid>/stat}: only when the server runs on this machine, in the same process
 * namespace. On PostgreSQL, the server processes of the benchmark's pools (background processes
 * such as the WAL writer and checkpointer are not counted); on MariaDB, its one server process,
 * background threads included.
 */
final class BackendCpu {

	/** Linux's USER_HZ, the unit of the utime and stime fields, on every common platform. */
	private static final long TICKS_PER_SECOND = 100;

	private final Supplier<List<Integer>> pids;

	private final String command;

	private BackendCpu(Supplier<List<Integer>> pids, String command) {
		this.pids = pids;
		this.command = command;
	}

	/**
	 * PostgreSQL's server processes of the given pools.
	 * @param dataSource where to ask for the processes' ids
	 * @param poolNames the names of the pools to count (their connections' application name)
	 */
	static BackendCpu ofSessions(DataSource dataSource, String... poolNames) {
		String sql = "SELECT pid FROM pg_stat_activity WHERE application_name IN ('" + String.join("', '", poolNames)
				+ "')";
		return new BackendCpu(() -> {
			List<Integer> pids = new ArrayList<>();
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery(sql)) {
				while (rs.next()) {
					pids.add(rs.getInt(1));
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Failed: " + sql, ex);
			}
			return pids;
		}, "postgres");
	}

	/** The one server process of the given command name on this machine (none found: not measurable). */
	static BackendCpu ofServer(String command) {
		return new BackendCpu(() -> {
			try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
				return processes.filter((dir) -> dir.getFileName().toString().matches("\\d+"))
					.filter((dir) -> command.equals(comm(dir)))
					.map((dir) -> Integer.valueOf(dir.getFileName().toString()))
					.toList();
			}
			catch (IOException | RuntimeException ex) {
				return List.of();
			}
		}, command);
	}

	private static String comm(Path process) {
		try {
			return Files.readString(process.resolve("comm")).trim();
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** CPU ticks so far per server process; empty when they cannot be read. */
	Map<Integer, Long> take() {
		Map<Integer, Long> ticks = new HashMap<>();
		for (int pid : this.pids.get()) {
			long cpu = ticks(pid);
			if (cpu < 0) {
				return Map.of();
			}
			ticks.put(pid, cpu);
		}
		return ticks;
	}

	/**
	 * Nanoseconds of server CPU between two readings, or NaN when either could not be read. A
	 * process that came after the first reading counts from zero; one gone by the second is lost.
	 */
	static double nanosBetween(Map<Integer, Long> before, Map<Integer, Long> after) {
		if (before.isEmpty() || after.isEmpty()) {
			return Double.NaN;
		}
		long ticks = 0;
		for (Map.Entry<Integer, Long> entry : after.entrySet()) {
			ticks += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
		}
		return ticks * (1e9 / TICKS_PER_SECOND);
	}

	/** utime + stime of one process, or -1 when it is not a server process visible here. */
	private long ticks(int pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			if (!stat.contains("(" + this.command + ")")) {
				return -1;
			}
			// Fields after the command name: state is field 3, utime 14 and stime 15
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}

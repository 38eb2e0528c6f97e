package dev.taskqueue.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * CPU time of the PostgreSQL server processes behind the benchmark's pools, read from
 * {@code /proc/<pid>/stat}: only when the server runs on this machine, in the same process
 * namespace. Background processes (WAL writer, checkpointer) are not counted.
 */
final class BackendCpu {

	/** Linux's USER_HZ, the unit of the utime and stime fields, on every common platform. */
	private static final long TICKS_PER_SECOND = 100;

	private final DataSource dataSource;

	private final String applicationNames;

	/**
	 * @param dataSource where to ask for the processes' ids
	 * @param poolNames the names of the pools to count (their connections' application name)
	 */
	BackendCpu(DataSource dataSource, String... poolNames) {
		this.dataSource = dataSource;
		this.applicationNames = "'" + String.join("', '", poolNames) + "'";
	}

	/** CPU ticks so far per server process of the pools; empty when they cannot be read. */
	Map<Integer, Long> take() {
		Map<Integer, Long> ticks = new HashMap<>();
		String sql = "SELECT pid FROM pg_stat_activity WHERE application_name IN (" + this.applicationNames + ")";
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				long cpu = ticks(rs.getInt(1));
				if (cpu < 0) {
					return Map.of();
				}
				ticks.put(rs.getInt(1), cpu);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed: " + sql, ex);
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

	/** utime + stime of one process, or -1 when it is not a PostgreSQL process visible here. */
	private static long ticks(int pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			if (!stat.contains("(postgres)")) {
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

package dev.taskqueue.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of where CPU and transactions went, to difference over a run: the JVM's CPU time
 * per thread group and the machine's busy CPU time (everything else on the machine is mostly
 * PostgreSQL, plus whatever else runs there).
 */
final class Probe {

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static final Path PROC_STAT = Path.of("/proc/stat");

	final long nanos;

	final long processCpuNanos;

	/** Busy and total machine CPU time, in clock ticks; -1 when not on Linux. */
	final long machineBusyTicks;

	final long machineTotalTicks;

	final Map<String, Long> threadCpuNanos;

	private Probe(long nanos, long processCpuNanos, long[] machine, Map<String, Long> threadCpu) {
		this.nanos = nanos;
		this.processCpuNanos = processCpuNanos;
		this.machineBusyTicks = machine[0];
		this.machineTotalTicks = machine[1];
		this.threadCpuNanos = threadCpu;
	}

	static Probe take() {
		return new Probe(System.nanoTime(), processCpu(), machine(), threadCpu());
	}

	/** What happened between an earlier probe and this one. */
	Delta since(Probe before) {
		Map<String, Long> groups = new TreeMap<>();
		this.threadCpuNanos.forEach((group, nanos) -> {
			long delta = nanos - before.threadCpuNanos.getOrDefault(group, 0L);
			if (delta > 0) {
				groups.put(group, delta);
			}
		});
		double seconds = (this.nanos - before.nanos) / 1e9;
		double machineBusyShare = Double.NaN;
		if (this.machineTotalTicks > 0 && before.machineTotalTicks > 0) {
			machineBusyShare = (double) (this.machineBusyTicks - before.machineBusyTicks)
					/ (this.machineTotalTicks - before.machineTotalTicks);
		}
		return new Delta(seconds, (this.processCpuNanos - before.processCpuNanos) / 1e9, machineBusyShare, groups);
	}

	record Delta(double seconds, double jvmCpuSeconds, double machineBusyShare, Map<String, Long> threadCpuNanos) {

		/** CPU seconds the whole machine was busy (both cores count). */
		double machineBusySeconds() {
			return this.machineBusyShare * this.seconds * Runtime.getRuntime().availableProcessors();
		}

		String threadSummary() {
			StringBuilder summary = new StringBuilder();
			this.threadCpuNanos.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
				.limit(3)
				.forEach((entry) -> summary.append((summary.length() > 0) ? ", " : "")
					.append(entry.getKey())
					.append(' ')
					.append(Math.round(entry.getValue() / 1e6))
					.append(" ms"));
			return summary.toString();
		}

	}

	/** The JVM's CPU time so far, all threads; 0 where the platform does not say. */
	static long processCpu() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return 0;
	}

	private static long[] machine() {
		try {
			String cpu = Files.readAllLines(PROC_STAT).get(0);
			String[] fields = cpu.trim().split("\\s+");
			long total = 0;
			long idle = 0;
			for (int i = 1; i < fields.length && i <= 8; i++) {
				long value = Long.parseLong(fields[i]);
				total += value;
				if (i == 4 || i == 5) {
					idle += value;
				}
			}
			return new long[] { total - idle, total };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { -1, -1 };
		}
	}

	private static Map<String, Long> threadCpu() {
		Map<String, Long> groups = new LinkedHashMap<>();
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info == null) {
				continue;
			}
			long cpu = threads.getThreadCpuTime(info.getThreadId());
			if (cpu > 0) {
				groups.merge(group(info.getThreadName()), cpu, Long::sum);
			}
		}
		return groups;
	}

	/** Thread names without their numbers, so a pool's threads add up. */
	static String group(String name) {
		if (name.endsWith(".main()") || name.equals("main")) {
			return "main";
		}
		String group = name.replaceAll("[-_ ]?\\d+$", "").replaceAll("-\\d+-", "-");
		return group.isEmpty() ? name : group;
	}

}

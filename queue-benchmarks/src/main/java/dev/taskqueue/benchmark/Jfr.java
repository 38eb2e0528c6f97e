package dev.taskqueue.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * JFR recordings (settings {@code profile}) of TaskQueue's runs, one file per run, and the hot
 * methods of each kind of run: the top frames of its {@code jdk.ExecutionSample} events, summed
 * over the runs. Does nothing when no directory is given.
 */
final class Jfr {

	private static final int TOP = 15;

	private final Path directory;

	/** Samples per top-frame method, per kind of run. */
	private final Map<String, Map<String, Long>> samples = new LinkedHashMap<>();

	/** Samples per TaskQueue method nearest the top of the stack, per kind of run. */
	private final Map<String, Map<String, Long>> ownSamples = new LinkedHashMap<>();

	private int recordings;

	Jfr(Path directory) {
		this.directory = directory;
	}

	/** Run the given TaskQueue run, recorded under the given kind when recording is on. */
	<T> T record(String kind, Supplier<T> run) {
		if (this.directory == null) {
			return run.get();
		}
		try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
			recording.setName("taskqueue-" + kind);
			recording.start();
			T result = run.get();
			recording.stop();
			Files.createDirectories(this.directory);
			Path file = this.directory.resolve(String.format(Locale.ROOT, "taskqueue-%s-%02d.jfr",
					kind.replaceAll("\\W+", "-").toLowerCase(Locale.ROOT), ++this.recordings));
			recording.dump(file);
			count(kind, file);
			return result;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("JFR settings 'profile' not readable", ex);
		}
	}

	private void count(String kind, Path file) throws IOException {
		Map<String, Long> methods = this.samples.computeIfAbsent(kind, (key) -> new HashMap<>());
		Map<String, Long> own = this.ownSamples.computeIfAbsent(kind, (key) -> new HashMap<>());
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null
					&& !event.getStackTrace().getFrames().isEmpty()) {
				List<RecordedFrame> frames = event.getStackTrace().getFrames();
				methods.merge(name(frames.get(0)), 1L, Long::sum);
				frames.stream()
					.map(Jfr::name)
					.filter((method) -> method.startsWith("dev.taskqueue.") && !method.startsWith("dev.taskqueue.benchmark."))
					.findFirst()
					.ifPresent((method) -> own.merge(method, 1L, Long::sum));
			}
		}
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	/** A report section with the hot methods of each kind of run, when anything was recorded. */
	void report(Report report) {
		if (this.samples.isEmpty()) {
			return;
		}
		Report.Section section = report.section("Profile: TaskQueue's hot methods (JFR)",
				"JFR recordings with the `profile` settings around each measured TaskQueue drain and enqueue run ("
						+ this.recordings + " files); the methods on top of the `jdk.ExecutionSample` stacks (every "
						+ "JVM thread, the benchmark's own included), summed over the runs of each kind; then, for the same "
						+ "samples, the TaskQueue method nearest the top of each stack (what TaskQueue code the time "
						+ "was spent under).");
		this.samples.forEach((kind, methods) -> {
			long total = methods.values().stream().mapToLong(Long::longValue).sum();
			top(section.table("Top " + TOP + " methods, " + kind + " runs (" + total + " samples)", "Method",
					"Samples", "Share"), methods, total);
			top(section.table("Top " + TOP + " TaskQueue methods nearest the top of the stack, " + kind
					+ " runs (share of all " + total + " samples)", "Method", "Samples", "Share"),
					this.ownSamples.get(kind), total);
		});
	}

	private static void top(Report.Table table, Map<String, Long> methods, long total) {
		methods.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
			.limit(TOP)
			.forEach((entry) -> table.row("`" + entry.getKey() + "`", Long.toString(entry.getValue()),
					String.format(Locale.ROOT, "%.1f%%", entry.getValue() * 100.0 / total)));
	}

}

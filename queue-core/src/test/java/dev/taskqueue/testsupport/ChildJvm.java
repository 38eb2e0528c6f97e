package dev.taskqueue.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A class's {@code main} method run in a JVM of its own, with the test's classpath, for
 * tests that need a process they can kill without warning.
 * <p>
 * The child's standard output and standard error, merged, are read line by line: each
 * line is kept, for {@link #lines()} and {@link #awaitLine(Predicate, Duration)}, and
 * echoed to this JVM's standard output prefixed with the main class's simple name and
 * the child's pid. {@link #kill()} sends {@code SIGKILL}, so the child runs no shutdown
 * hooks and Java reports its exit code as 137 (128 + 9). {@link #close()} kills the child
 * if it is still alive.
 */
public final class ChildJvm implements AutoCloseable {

	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

	private final Process process;

	private final String name;

	private final List<String> lines = new ArrayList<>();

	private boolean outputEnded;

	private ChildJvm(Process process, String name) {
		this.process = process;
		this.name = name;
	}

	/**
	 * Called in a child's {@code main}: exit once the test JVM is gone. The test never writes
	 * to the child's standard input, so reading it ends only when the pipe closes.
	 */
	public static void exitWhenOrphaned() {
		Thread watchdog = new Thread(() -> {
			try {
				while (System.in.read() != -1) {
					// ignore
				}
			}
			catch (IOException ex) {
				// the pipe broke: the parent is gone all the same
			}
			Runtime.getRuntime().halt(2);
		}, "orphan-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/**
	 * Start a JVM that runs the {@code main} method of the given class with this JVM's
	 * {@code java} executable and classpath.
	 * @param mainClass the class whose {@code main} method to run
	 * @param args the arguments of the {@code main} method
	 * @param environment environment variables to set in the child, in addition to those
	 * of this JVM
	 * @return the running child
	 * @throws UncheckedIOException if the process could not be started
	 */
	public static ChildJvm start(Class<?> mainClass, List<String> args, Map<String, String> environment) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a JVM for " + mainClass.getName(), ex);
		}
		ChildJvm child = new ChildJvm(process, mainClass.getSimpleName() + " " + process.pid());
		Thread reader = new Thread(child::readOutput, "child-jvm-" + process.pid() + "-output");
		reader.setDaemon(true);
		reader.start();
		return child;
	}

	/**
	 * Return the child's process id.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return whether the child is still running.
	 * @return {@code true} if it has not exited
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the lines the child has written so far.
	 * @return a copy of the lines, oldest first
	 */
	public synchronized List<String> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Wait for the child to write a line that matches the given predicate, looking at the
	 * lines written so far first.
	 * @param predicate the line to wait for
	 * @param timeout how long to wait
	 * @return the first matching line
	 * @throws AssertionError if no matching line came within the timeout or the child's
	 * output ended without one
	 */
	public synchronized String awaitLine(Predicate<String> predicate, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int checked = 0;
		while (true) {
			for (; checked < this.lines.size(); checked++) {
				String line = this.lines.get(checked);
				if (predicate.test(line)) {
					return line;
				}
			}
			if (this.outputEnded) {
				throw new AssertionError("The output of " + this + " ended without a matching line");
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				throw new AssertionError(this + " wrote no matching line within " + timeout);
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for a line from " + this, ex);
			}
		}
	}

	/**
	 * Wait for the child to exit.
	 * @param timeout how long to wait
	 * @return the child's exit code, 128 plus the signal's number if a signal ended it
	 * @throws AssertionError if the child did not exit within the timeout
	 */
	public int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new AssertionError(this + " did not exit within " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + this + " to exit", ex);
		}
		return this.process.exitValue();
	}

	/**
	 * Kill the child with {@code SIGKILL} ({@link Process#destroyForcibly()} on Linux) and
	 * wait for it to exit.
	 */
	public void kill() {
		this.process.destroyForcibly();
		awaitExit(KILL_TIMEOUT);
	}

	/**
	 * Kill the child if it is still alive.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	@Override
	public String toString() {
		return "child JVM " + this.name;
	}

	private void readOutput() {
		try (BufferedReader reader = this.process.inputReader()) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[" + this.name + "] " + line);
				synchronized (this) {
					this.lines.add(line);
					notifyAll();
				}
			}
		}
		catch (IOException ex) {
			// The stream was closed under the reader: the output ends here all the same
		}
		finally {
			synchronized (this) {
				this.outputEnded = true;
				notifyAll();
			}
		}
	}

}

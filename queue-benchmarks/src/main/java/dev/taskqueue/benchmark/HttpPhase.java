package dev.taskqueue.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import org.springframework.web.client.RestClient;

import dev.taskqueue.TaskRequest;
import dev.taskqueue.engine.TaskQueueEngine;
import dev.taskqueue.http.HttpTaskDefinition;
import dev.taskqueue.http.HttpTaskTypes;
import dev.taskqueue.type.TaskTypeRegistry;

/**
 * Phase 10: outbound HTTP tasks on one node with the engine's and the HTTP type's defaults,
 * against a server in the same JVM that answers at once or after 50 ms, beside the same number
 * of no-op tasks: tasks per second, and what an HTTP task costs more than a no-op one.
 */
final class HttpPhase {

	private static final long RUN_TIMEOUT_MILLIS = 300_000;

	private static final String FAST = "http-fast";

	private static final String SLOW = "http-slow";

	private static final int SLOW_MILLIS = 50;

	private final Options options;

	private final DataSource dataSource;

	private final Report report;

	HttpPhase(Options options, DataSource dataSource, Report report) {
		this.options = options;
		this.dataSource = dataSource;
		this.report = report;
	}

	/** One run: wall time from the node's start until every task SUCCEEDED, and the JVM's CPU. */
	record Run(int tasks, double seconds, double cpuMillis) {

		double perSecond() {
			return this.tasks / this.seconds;
		}

		double wallMillisPerTask() {
			return this.seconds * 1000 / this.tasks;
		}

		double cpuMicrosPerTask() {
			return this.cpuMillis * 1000 / this.tasks;
		}

	}

	void run() throws IOException {
		// Else the server's response headers and body wait for the client's delayed ACK (Nagle), 40 ms a call
		System.setProperty("sun.net.httpserver.nodelay", "true");
		ExecutorService executor = Executors.newCachedThreadPool();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 500);
		server.setExecutor(executor);
		server.createContext("/fast", (exchange) -> answer(exchange, 0));
		server.createContext("/slow", (exchange) -> answer(exchange, SLOW_MILLIS));
		server.start();
		try {
			String base = "http://127.0.0.1:" + server.getAddress().getPort();
			int tasks = this.options.httpTasks;
			int slowTasks = this.options.httpSlowTasks;
			// Warm-up: class loading, JIT, the HTTP client's connections
			drain(base, TaskQueueSide.TYPE, Math.min(tasks, 2_000));
			drain(base, FAST, Math.min(tasks, 2_000));
			Run noop = drain(base, TaskQueueSide.TYPE, tasks);
			Run fast = drain(base, FAST, tasks);
			Run slow = drain(base, SLOW, slowTasks);
			Report.Section section = this.report.section("10. Outbound HTTP tasks",
					"One node with the engine's defaults (concurrency 10) and the HTTP type's defaults (POST of "
							+ "the payload, timeouts 5 s / 30 s, no signature, no limit), a backlog enqueued first, "
							+ "timed from the node's start until every task is SUCCEEDED. The target is a JDK "
							+ "HttpServer in the same JVM, on localhost, answering 200 at once or after "
							+ SLOW_MILLIS + " ms (with TCP_NODELAY, as production servers answer); no-op tasks run through the same "
							+ "engine for comparison.");
			Report.Table table = section.table("HTTP tasks (higher rate is better)", "Tasks", "Target", "Count",
					"Tasks/s", "Wall ms / task", "JVM CPU µs / task");
			row(table, "no-op handler", "none", noop);
			row(table, "HTTP", "answers at once", fast);
			row(table, "HTTP", "answers after " + SLOW_MILLIS + " ms", slow);
			Report.Table overhead = section.table("Cost of an HTTP task over a no-op task", "Measure", "Per task");
			overhead.row("wall time (10 slots)",
					Stats.millis(fast.wallMillisPerTask() - noop.wallMillisPerTask()) + " ms");
			overhead.row("JVM CPU (client and server)", String.format(java.util.Locale.ROOT, "%.0f µs",
					fast.cpuMicrosPerTask() - noop.cpuMicrosPerTask()));
			section.note("With " + SLOW_MILLIS + " ms targets ten slots bound the rate at " + (10 * 1000 / SLOW_MILLIS)
					+ " tasks/s; raise taskqueue.worker.concurrency (threads are not pooled to a fixed count, "
					+ "slots bound the work) for slower targets. The CPU column is the whole process: the "
					+ "server's side of each exchange is included.");
		}
		finally {
			server.stop(0);
			executor.shutdownNow();
		}
	}

	private Run drain(String base, String type, int count) {
		Db.truncate(this.dataSource, Db.TASK_QUEUE_TABLES);
		TaskTypeRegistry registry = TaskQueueSide.registry(() -> {
		});
		new HttpTaskTypes(List.of(HttpTaskDefinition.builder(FAST, base + "/fast").build(),
				HttpTaskDefinition.builder(SLOW, base + "/slow").build()), RestClient::builder, Clock.systemUTC())
			.registerWith(registry);
		TaskQueueEngine producer = TaskQueueSide.producer(this.dataSource, registry);
		try {
			List<TaskRequest> batch = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				batch.add(TaskRequest.of(type, Map.of("order", i, "amount", 1200, "currency", "EUR")));
				if (batch.size() == this.options.enqueueChunk || i == count - 1) {
					producer.queue().enqueueAll(batch);
					batch.clear();
				}
			}
		}
		finally {
			producer.stop();
		}
		long cpu = Probe.processCpu();
		long start = System.nanoTime();
		TaskQueueEngine node = TaskQueueSide.engine(this.dataSource, registry, "bench-http-node").build();
		node.start();
		try {
			boolean done = Db.await(() -> Db.queryLong(this.dataSource,
					"SELECT count(*) FROM " + Db.TASK_TABLE + " WHERE status = 'SUCCEEDED'") == count,
					RUN_TIMEOUT_MILLIS, 20);
			long nanos = System.nanoTime() - start;
			double cpuMillis = (Probe.processCpu() - cpu) / 1e6;
			return done ? new Run(count, nanos / 1e9, cpuMillis) : new Run(count, Double.NaN, Double.NaN);
		}
		finally {
			node.stop();
		}
	}

	private static void row(Report.Table table, String tasks, String target, Run run) {
		table.row(tasks, target, String.format(java.util.Locale.ROOT, "%,d", run.tasks()), Stats.rate(run.perSecond()),
				Stats.millis(run.wallMillisPerTask()),
				String.format(java.util.Locale.ROOT, "%.0f", run.cpuMicrosPerTask()));
	}

	private static void answer(com.sun.net.httpserver.HttpExchange exchange, int delayMillis) throws IOException {
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			if (delayMillis > 0) {
				TimeUnit.MILLISECONDS.sleep(delayMillis);
			}
			byte[] body = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

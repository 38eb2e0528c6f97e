package dev.taskqueue.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on a free localhost port for one test: each path answers as the test says,
 * and every request is kept.
 */
final class TestServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Map<String, Responder> responders = new ConcurrentHashMap<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	TestServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	void on(String path, Responder responder) {
		this.responders.put(path, responder);
	}

	List<Request> requests(String path) {
		return this.requests.stream().filter((request) -> request.path().equals(path)).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = exchange.getRequestBody().readAllBytes();
			String path = exchange.getRequestURI().getRawPath();
			Request request = new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body);
			this.requests.add(request);
			Responder responder = this.responders.get(path);
			Reply reply = (responder != null) ? responder.reply(request) : new Reply(404, Map.of(), "no such path");
			reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
			byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(reply.status(), (bytes.length > 0) ? bytes.length : -1);
			if (bytes.length > 0) {
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/** Answers the requests of one path; may block to play a slow target. */
	@FunctionalInterface
	interface Responder {

		Reply reply(Request request) throws InterruptedException;

	}

	record Request(String method, String path, Headers headers, byte[] body) {

		String header(String name) {
			return this.headers.getFirst(name);
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	record Reply(int status, Map<String, String> headers, String body) {

		static Reply of(int status, String body) {
			return new Reply(status, Map.of(), body);
		}

	}

}

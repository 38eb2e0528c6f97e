package dev.taskqueue.store.jdbc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskOptions;

/**
 * Stores the execution options a request set as a small JSON object of numbers (durations in
 * milliseconds), in a format of its own so that the application's Jackson settings cannot
 * change it. Tasks whose request set none store {@code NULL}.
 */
final class OptionsColumn {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private OptionsColumn() {
	}

	static @Nullable String write(TaskOptions options) {
		if (options.isEmpty()) {
			return null;
		}
		Map<String, Object> values = new LinkedHashMap<>();
		putMillis(values, "timeout", options.timeout());
		putMillis(values, "heartbeat", options.heartbeat());
		putValue(values, "retries", options.retries());
		putMillis(values, "retryDelay", options.retryDelay());
		putValue(values, "retryBackoff", options.retryBackoff());
		putMillis(values, "retryMaxDelay", options.retryMaxDelay());
		putValue(values, "retryJitter", options.retryJitter());
		return mapper.writeValueAsString(values);
	}

	static TaskOptions read(@Nullable String json) {
		if (json == null) {
			return TaskOptions.NONE;
		}
		JsonNode node = mapper.readTree(json);
		return new TaskOptions(millis(node, "timeout"), millis(node, "heartbeat"),
				node.has("retries") ? node.get("retries").asInt() : null, millis(node, "retryDelay"),
				node.has("retryBackoff") ? node.get("retryBackoff").asDouble() : null, millis(node, "retryMaxDelay"),
				node.has("retryJitter") ? node.get("retryJitter").asDouble() : null);
	}

	private static void putMillis(Map<String, Object> values, String name, @Nullable Duration duration) {
		if (duration != null) {
			values.put(name, duration.toMillis());
		}
	}

	private static void putValue(Map<String, Object> values, String name, @Nullable Object value) {
		if (value != null) {
			values.put(name, value);
		}
	}

	private static @Nullable Duration millis(JsonNode node, String name) {
		if (!node.has(name)) {
			return null;
		}
		// Written before durations were bounded: held to the bound, so that claiming the task
		// cannot fail and take its claim batch down with it
		Duration duration = Duration.ofMillis(node.get(name).asLong());
		return (duration.compareTo(TaskOptions.MAX_DURATION) <= 0) ? duration : TaskOptions.MAX_DURATION;
	}

}

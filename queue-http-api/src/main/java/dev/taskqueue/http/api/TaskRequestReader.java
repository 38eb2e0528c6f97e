package dev.taskqueue.http.api;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskRequest;

/**
 * Reads the JSON body of an enqueue into a {@link TaskRequest}, field by field, so that a
 * refusal names the field at fault; the payload is checked against the handler by the queue.
 */
final class TaskRequestReader {

	private static final Set<String> FIELDS = Set.of("type", "payload", "key", "queue", "priority", "delay", "runAt",
			"parents", "parentsEvenIfFailed", "timeout", "heartbeat", "retries", "retryDelay", "retryBackoff",
			"retryMaxDelay", "retryJitter");

	private final Set<String> allowedTypes;

	private final Set<String> allowedQueues;

	TaskRequestReader(List<String> allowedTypes, List<String> allowedQueues) {
		this.allowedTypes = Set.copyOf(allowedTypes);
		this.allowedQueues = Set.copyOf(allowedQueues);
	}

	/**
	 * Whether tasks of a type may be enqueued and seen over HTTP.
	 * @param type the task type
	 * @return whether the allowed types, if any are set, hold it
	 */
	boolean allows(String type) {
		return this.allowedTypes.isEmpty() || this.allowedTypes.contains(type);
	}

	/**
	 * Read one request.
	 * @param body the JSON object
	 * @param prefix what names the fields in errors: empty, or {@code tasks[2].} in a batch
	 * @return the request
	 * @throws InvalidRequestException naming the field at fault
	 */
	TaskRequest read(JsonNode body, String prefix) {
		if (!body.isObject()) {
			throw new InvalidRequestException(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
					"A task must be a JSON object");
		}
		for (String name : body.propertyNames()) {
			if (!FIELDS.contains(name)) {
				throw new InvalidRequestException(prefix + name, "Unknown field '" + prefix + name + "'");
			}
		}
		Fields fields = new Fields(body, prefix);
		String type = fields.text("type");
		if (type == null || type.isBlank()) {
			throw new InvalidRequestException(prefix + "type", "'" + prefix + "type' is required");
		}
		if (!allows(type)) {
			throw new InvalidRequestException(prefix + "type", "Task type '" + type + "' cannot be enqueued over HTTP");
		}
		TaskRequest.Builder builder = TaskRequest.builder(type);
		JsonNode payload = body.get("payload");
		if (payload != null && !payload.isNull()) {
			builder.payload(payload);
		}
		String key = fields.text("key");
		if (key != null && (key.isBlank() || key.length() > TaskRequest.MAX_KEY_LENGTH)) {
			throw fields.invalid("key", "must not be blank or longer than " + TaskRequest.MAX_KEY_LENGTH + " characters");
		}
		fields.set("key", key, builder::key);
		String queue = fields.text("queue");
		if (queue != null && !this.allowedQueues.contains(queue)) {
			throw new InvalidRequestException(prefix + "queue", "Queue '" + queue
					+ "' cannot be chosen over HTTP; allowed: " + (this.allowedQueues.isEmpty() ? "none" : this.allowedQueues));
		}
		fields.set("queue", queue, builder::queue);
		fields.set("priority", fields.integer("priority"), builder::priority);
		if (body.hasNonNull("delay") && body.hasNonNull("runAt")) {
			throw new InvalidRequestException(prefix + "runAt",
					"'" + prefix + "delay' and '" + prefix + "runAt' cannot both be set");
		}
		Duration delay = fields.duration("delay");
		if (delay != null && delay.isNegative()) {
			throw fields.invalid("delay", "must not be negative");
		}
		fields.set("delay", delay, builder::delay);
		Instant runAt = fields.instant("runAt");
		if (runAt != null && runAt.isAfter(TaskRequest.MAX_RUN_AT)) {
			throw fields.invalid("runAt", "must not be after " + TaskRequest.MAX_RUN_AT);
		}
		fields.set("runAt", runAt, builder::runAt);
		Set<UUID> parents = fields.ids("parents");
		Set<UUID> parentsEvenIfFailed = fields.ids("parentsEvenIfFailed");
		parents.removeAll(parentsEvenIfFailed);
		builder.after(parents.toArray(UUID[]::new));
		builder.afterEvenIfFailed(parentsEvenIfFailed.toArray(UUID[]::new));
		builder.options(options(fields));
		return builder.build();
	}

	private static TaskOptions options(Fields fields) {
		TaskOptions options = TaskOptions.NONE;
		options = fields.option("timeout", fields.duration("timeout"),
				(value) -> new TaskOptions(value, null, null, null, null, null, null), options);
		options = fields.option("heartbeat", fields.duration("heartbeat"),
				(value) -> new TaskOptions(null, value, null, null, null, null, null), options);
		options = fields.option("retries", fields.integer("retries"),
				(value) -> new TaskOptions(null, null, value, null, null, null, null), options);
		options = fields.option("retryDelay", fields.duration("retryDelay"),
				(value) -> new TaskOptions(null, null, null, value, null, null, null), options);
		options = fields.option("retryBackoff", fields.number("retryBackoff"),
				(value) -> new TaskOptions(null, null, null, null, value, null, null), options);
		options = fields.option("retryMaxDelay", fields.duration("retryMaxDelay"),
				(value) -> new TaskOptions(null, null, null, null, null, value, null), options);
		return fields.option("retryJitter", fields.number("retryJitter"),
				(value) -> new TaskOptions(null, null, null, null, null, null, value), options);
	}

	/**
	 * The fields of one JSON object, each read or checked with errors that name it.
	 */
	private record Fields(JsonNode body, String prefix) {

		@Nullable String text(String name) {
			JsonNode value = this.body.get(name);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isString()) {
				throw invalid(name, "must be a string");
			}
			return value.asString();
		}

		@Nullable Integer integer(String name) {
			JsonNode value = this.body.get(name);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isIntegralNumber() || !value.canConvertToInt()) {
				throw invalid(name, "must be a whole number");
			}
			return value.asInt();
		}

		@Nullable Double number(String name) {
			JsonNode value = this.body.get(name);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isNumber()) {
				throw invalid(name, "must be a number");
			}
			return value.asDouble();
		}

		@Nullable Duration duration(String name) {
			String text = text(name);
			if (text == null) {
				return null;
			}
			try {
				return DurationStyle.detectAndParse(text, ChronoUnit.SECONDS);
			}
			catch (IllegalArgumentException ex) {
				throw invalid(name, "must be a duration such as '30s', '5m', 'PT1H' or a number of seconds, not '" + text + "'");
			}
		}

		@Nullable Instant instant(String name) {
			String text = text(name);
			if (text == null) {
				return null;
			}
			try {
				return OffsetDateTime.parse(text).toInstant();
			}
			catch (DateTimeParseException ex) {
				throw invalid(name, "must be a date and time with an offset, such as '2030-01-01T09:00:00Z', not '"
						+ text + "'");
			}
		}

		Set<UUID> ids(String name) {
			JsonNode value = this.body.get(name);
			Set<UUID> ids = new LinkedHashSet<>();
			if (value == null || value.isNull()) {
				return ids;
			}
			if (!value.isArray()) {
				throw invalid(name, "must be an array of task ids");
			}
			List<JsonNode> elements = new ArrayList<>(value.values());
			for (int i = 0; i < elements.size(); i++) {
				String element = name + "[" + i + "]";
				if (!elements.get(i).isString()) {
					throw invalid(element, "must be a task id");
				}
				String id = elements.get(i).asString();
				ids.add(get(element, () -> UUID.fromString(id)));
			}
			return ids;
		}

		<T> void set(String name, @Nullable T value, Consumer<T> setter) {
			if (value != null) {
				get(name, () -> {
					setter.accept(value);
					return value;
				});
			}
		}

		<T> TaskOptions option(String name, @Nullable T value, Function<T, TaskOptions> options, TaskOptions others) {
			return (value != null) ? get(name, () -> options.apply(value)).orElse(others) : others;
		}

		/** Runs a check of the core's, naming the field in what it refused. */
		<T> T get(String name, Supplier<T> value) {
			try {
				return value.get();
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidRequestException(this.prefix + name,
						"Invalid '" + this.prefix + name + "': " + ex.getMessage(), ex);
			}
		}

		InvalidRequestException invalid(String name, String reason) {
			return new InvalidRequestException(this.prefix + name, "'" + this.prefix + name + "' " + reason);
		}

	}

}

package dev.taskqueue.json;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

import dev.taskqueue.JsonValue;

/**
 * Writes payloads and results as JSON and binds them back to handler parameter types, with the
 * application's Jackson mapper.
 *
 * @since 0.1.0
 */
public final class PayloadCodec {

	private final ObjectMapper mapper;

	public PayloadCodec(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Write a value as JSON; a {@link JsonValue} is written as the JSON it holds.
	 * @param value the value, or {@code null}
	 * @return the JSON text, or {@code null} for a {@code null} value
	 * @throws tools.jackson.core.JacksonException if the value cannot be written
	 */
	public @Nullable String write(@Nullable Object value) {
		if (value instanceof JsonValue json) {
			return json.json();
		}
		return (value != null) ? this.mapper.writeValueAsString(value) : null;
	}

	/**
	 * Bind JSON to a type; to {@link JsonValue}, the JSON as it is.
	 * @param json the JSON text
	 * @param type the target type, generic or not
	 * @return the bound value
	 * @throws tools.jackson.core.JacksonException if the JSON does not bind
	 */
	public @Nullable Object read(String json, Type type) {
		if (type == JsonValue.class) {
			// Jackson cannot construct it; checked as JSON like any other payload
			this.mapper.readTree(json);
			return value(json);
		}
		return this.mapper.readValue(json, this.mapper.getTypeFactory().constructType(type));
	}

	/**
	 * Wrap stored JSON for readers.
	 * @param json the JSON text, or {@code null}
	 * @return the value, or {@code null}
	 */
	public @Nullable JsonValue value(@Nullable String json) {
		return (json != null) ? new JsonValue(json, this.mapper) : null;
	}

	/**
	 * Describe a payload that does not bind, naming the path of the field that did not, such
	 * as {@code field 'items[2].quantity'}, and Jackson's message.
	 * @param taskType the task type
	 * @param payloadType the type the payload binds to
	 * @param ex the binding error
	 * @return the message
	 */
	public static String bindingFailure(String taskType, Type payloadType, JacksonException ex) {
		return describe(taskType, payloadType, ex, (ex.getOriginalMessage() != null) ? ex.getOriginalMessage() : ex.toString());
	}

	/**
	 * Describe a payload that does not bind, naming the path of the field that did not and the
	 * kind of error, but leaving out Jackson's message, which may quote the payload's values.
	 * @param taskType the task type
	 * @param payloadType the type the payload binds to
	 * @param ex the binding error
	 * @return the message
	 */
	public static String bindingFailureWithoutValues(String taskType, Type payloadType, JacksonException ex) {
		return describe(taskType, payloadType, ex, ex.getClass().getSimpleName() + " (see the error detail)");
	}

	private static String describe(String taskType, Type payloadType, JacksonException ex, String message) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return "Payload of task type '%s' does not bind to %s: %s".formatted(taskType, payloadType.getTypeName(),
				(path.length() > 0) ? "field '" + path + "': " + message : message);
	}

}

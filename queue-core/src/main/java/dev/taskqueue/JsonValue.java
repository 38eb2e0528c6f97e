package dev.taskqueue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.util.Assert;

/**
 * A JSON document stored with a task (its payload or its result), readable as text, as a tree or
 * as a typed value.
 *
 * @since 0.1.0
 */
public final class JsonValue {

	private final String json;

	private final ObjectMapper mapper;

	/**
	 * Create a value over stored JSON text.
	 * @param json the JSON text
	 * @param mapper the mapper that reads it
	 */
	public JsonValue(String json, ObjectMapper mapper) {
		Assert.notNull(json, "'json' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		this.json = json;
		this.mapper = mapper;
	}

	/**
	 * Return the JSON text.
	 * @return the JSON text
	 */
	public String json() {
		return this.json;
	}

	/**
	 * Return the JSON as a tree.
	 * @return the tree
	 */
	public JsonNode tree() {
		return this.mapper.readTree(this.json);
	}

	/**
	 * Read the JSON as a value of the given type.
	 * @param <T> the type
	 * @param type the type to bind to
	 * @return the value
	 */
	public <T> T as(Class<T> type) {
		return this.mapper.readValue(this.json, type);
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof JsonValue that && this.json.equals(that.json));
	}

	@Override
	public int hashCode() {
		return this.json.hashCode();
	}

	@Override
	public String toString() {
		return this.json;
	}

}

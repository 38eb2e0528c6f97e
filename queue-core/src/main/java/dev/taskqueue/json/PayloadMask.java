package dev.taskqueue.json;

import java.util.Collection;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How payloads and results are shown to operators, who may not see the personal data or
 * secrets they can hold: as they are, with the values of some fields masked, or not at all.
 * The dashboard and the Actuator endpoint show them through the same mask.
 *
 * @param visibility how much is shown
 * @param maskedFields the words whose fields' values are masked, at any depth: a field is masked
 * if its name, without '-' and '_' and ignoring case, contains one of them, so that
 * {@code token} masks {@code accessToken} and {@code refresh_token}
 * @since 0.1.0
 */
public record PayloadMask(Visibility visibility, Set<String> maskedFields) {

	/** What stands for a masked value, or for a hidden payload. */
	public static final String MASKED = "***";

	public PayloadMask {
		Assert.notNull(visibility, "'visibility' must not be null");
		maskedFields = maskedFields.stream()
			.map(PayloadMask::normalized)
			.filter((field) -> !field.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Create a mask.
	 * @param visibility how much is shown
	 * @param maskedFields the fields whose values are masked
	 * @return the mask
	 */
	public static PayloadMask of(Visibility visibility, Collection<String> maskedFields) {
		return new PayloadMask(visibility, Set.copyOf(maskedFields));
	}

	/**
	 * Return a payload or result as operators may see it.
	 * @param value the JSON, or {@code null}
	 * @return the JSON with masked values, {@value #MASKED} if hidden, or {@code null} if there
	 * was none
	 */
	public @Nullable JsonNode apply(@Nullable JsonNode value) {
		if (value == null) {
			return null;
		}
		return switch (this.visibility) {
			case SHOW -> value;
			case HIDE -> JsonNodeFactory.instance.stringNode(MASKED);
			case MASK -> this.maskedFields.isEmpty() ? value : mask(value.deepCopy());
		};
	}

	private JsonNode mask(JsonNode node) {
		if (node instanceof ObjectNode object) {
			for (String name : List.copyOf(object.propertyNames())) {
				if (isMasked(name)) {
					object.put(name, MASKED);
				}
				else {
					mask(object.get(name));
				}
			}
		}
		else if (node.isArray()) {
			node.values().forEach(this::mask);
		}
		return node;
	}

	private boolean isMasked(String name) {
		String normalized = normalized(name);
		return this.maskedFields.stream().anyMatch(normalized::contains);
	}

	/** So that api_key, api-key and apiKey are one name. */
	private static String normalized(String name) {
		return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * How much of a payload or result is shown.
	 */
	public enum Visibility {

		/** As it is. */
		SHOW,

		/** With the values of the masked fields replaced by {@value PayloadMask#MASKED}. */
		MASK,

		/** Not at all: {@value PayloadMask#MASKED} stands for it. */
		HIDE

	}

}

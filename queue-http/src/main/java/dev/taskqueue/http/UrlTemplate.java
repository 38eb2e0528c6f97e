package dev.taskqueue.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

import dev.taskqueue.NonRetryableException;

/**
 * A URL whose {@code {name}} parts take values from a task's payload: {@code {customerId}}
 * the field {@code customerId}, {@code {customer.id}} the field {@code id} of the object
 * {@code customer}. Each value is encoded as a URI component, so that it cannot add path
 * segments or query parameters.
 */
final class UrlTemplate {

	private static final Pattern VARIABLE = Pattern.compile("\\{([^{}/?#]+)}");

	private final String template;

	private final List<String> variables;

	private UrlTemplate(String template, List<String> variables) {
		this.template = template;
		this.variables = variables;
	}

	static UrlTemplate parse(String template) {
		Assert.hasText(template, "must not be empty");
		List<String> variables = new ArrayList<>();
		Matcher matcher = VARIABLE.matcher(template);
		while (matcher.find()) {
			variables.add(matcher.group(1));
		}
		// Checked with a stand-in value in every variable
		URI uri;
		try {
			uri = URI.create(VARIABLE.matcher(template).replaceAll("x"));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + template + "' is not a valid URL: " + ex.getMessage());
		}
		Assert.isTrue(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
				() -> "'" + template + "' is not an absolute http or https URL");
		Assert.isTrue(uri.getRawUserInfo() == null,
				() -> "must not hold credentials; send them in a header, which is kept out of logs");
		return new UrlTemplate(template, List.copyOf(variables));
	}

	boolean hasVariables() {
		return !this.variables.isEmpty();
	}

	/**
	 * Expand the template with the payload's values.
	 * @param type the task type, for the error
	 * @param payload the payload, or {@code null}
	 * @return the URI
	 * @throws NonRetryableException naming the type and field when a value is missing or is
	 * not a string, number or boolean
	 */
	URI expand(String type, @Nullable JsonNode payload) {
		if (this.variables.isEmpty()) {
			return URI.create(this.template);
		}
		Matcher matcher = VARIABLE.matcher(this.template);
		StringBuilder expanded = new StringBuilder();
		while (matcher.find()) {
			String name = matcher.group(1);
			JsonNode value = payload;
			for (String field : name.split("\\.")) {
				value = (value != null && value.isObject()) ? value.get(field) : null;
			}
			if (value == null || value.isNull() || !value.isValueNode()) {
				throw new NonRetryableException("Task type '%s': the URL takes '%s' from the payload, which has %s"
					.formatted(type, name, (value == null || value.isNull()) ? "no such field" : "no text, number or boolean there"));
			}
			String encoded = UriUtils.encode(value.asString(), StandardCharsets.UTF_8);
			matcher.appendReplacement(expanded, Matcher.quoteReplacement(encoded));
		}
		matcher.appendTail(expanded);
		return URI.create(expanded.toString());
	}

	/** The template without its query, which may hold keys. */
	@Override
	public String toString() {
		int query = this.template.indexOf('?');
		return (query != -1) ? this.template.substring(0, query) + "?…" : this.template;
	}

}

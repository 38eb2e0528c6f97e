package dev.taskqueue.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * {@code customer}. Variables may stand only after the host and port, which stay as written:
 * each value is encoded as a URI component, so that it cannot add path segments or query
 * parameters, and the values {@code .} and {@code ..}, which would move along the path, are
 * refused. The expanded URL is checked to name the template's scheme, host and port.
 */
final class UrlTemplate {

	private static final Pattern VARIABLE = Pattern.compile("\\{([^{}/?#]+)}");

	private final String template;

	private final List<String> variables;

	/** The scheme, host and port every expanded URL must have. */
	private final URI origin;

	private UrlTemplate(String template, List<String> variables, URI origin) {
		this.template = template;
		this.variables = variables;
		this.origin = origin;
	}

	static UrlTemplate parse(String template) {
		Assert.hasText(template, "must not be empty");
		List<String> variables = new ArrayList<>();
		Matcher matcher = VARIABLE.matcher(template);
		int authority = template.indexOf("://");
		int pathStart = (authority != -1) ? indexOfAny(template, "/?#", authority + 3) : 0;
		while (matcher.find()) {
			if (matcher.start() < pathStart) {
				throw new IllegalArgumentException("'" + template + "' takes {" + matcher.group(1)
						+ "} before its path: the scheme, host and port must be written out");
			}
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
		return new UrlTemplate(template, List.copyOf(variables), origin(uri));
	}

	private static int indexOfAny(String text, String chars, int from) {
		for (int i = from; i < text.length(); i++) {
			if (chars.indexOf(text.charAt(i)) != -1) {
				return i;
			}
		}
		return text.length();
	}

	private static URI origin(URI uri) {
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int port = (uri.getPort() != -1) ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
		return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
	}

	boolean hasVariables() {
		return !this.variables.isEmpty();
	}

	/**
	 * Expand the template with the payload's values.
	 * @param type the task type, for the error
	 * @param payload the payload, or {@code null}
	 * @return the URI
	 * @throws NonRetryableException naming the type and field when a value is missing, is
	 * not a string, number or boolean, or is {@code .} or {@code ..}
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
			String text = value.asString();
			if (".".equals(text) || "..".equals(text)) {
				throw new NonRetryableException("Task type '%s': the URL takes '%s' from the payload, which has '%s', a step along the path"
					.formatted(type, name, text));
			}
			String encoded = UriUtils.encode(text, StandardCharsets.UTF_8);
			matcher.appendReplacement(expanded, Matcher.quoteReplacement(encoded));
		}
		matcher.appendTail(expanded);
		URI uri = URI.create(expanded.toString());
		if (uri.getScheme() == null || uri.getHost() == null || !origin(uri).equals(this.origin)) {
			throw new NonRetryableException("Task type '%s': the URL from the payload leaves %s".formatted(type,
					this.origin));
		}
		return uri;
	}

	/** The template without its query, which may hold keys. */
	@Override
	public String toString() {
		int query = this.template.indexOf('?');
		return (query != -1) ? this.template.substring(0, query) + "?…" : this.template;
	}

}

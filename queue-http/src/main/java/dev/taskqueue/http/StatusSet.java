package dev.taskqueue.http;

import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * HTTP statuses given as codes ({@code 204}), classes ({@code 2xx}) or ranges
 * ({@code 200-299}).
 */
final class StatusSet {

	private static final Pattern ENTRY = Pattern.compile("([1-5])xx|(\\d{3})(?:-(\\d{3}))?");

	private final BitSet statuses;

	private final String text;

	private StatusSet(BitSet statuses, String text) {
		this.statuses = statuses;
		this.text = text;
	}

	static StatusSet parse(List<String> entries) {
		Assert.notEmpty(entries, "must name at least one status");
		BitSet statuses = new BitSet(600);
		for (String entry : entries) {
			Matcher matcher = ENTRY.matcher((entry != null) ? entry.trim().toLowerCase() : "");
			Assert.isTrue(matcher.matches(), () -> "'" + entry + "' is not a status such as 204, 2xx or 200-299");
			if (matcher.group(1) != null) {
				int from = Integer.parseInt(matcher.group(1)) * 100;
				statuses.set(from, from + 100);
			}
			else {
				int from = Integer.parseInt(matcher.group(2));
				int to = (matcher.group(3) != null) ? Integer.parseInt(matcher.group(3)) : from;
				Assert.isTrue(from >= 100 && to <= 599 && from <= to,
						() -> "'" + entry + "' is not a status range within 100-599");
				statuses.set(from, to + 1);
			}
		}
		return new StatusSet(statuses, String.join(",", entries));
	}

	boolean contains(int status) {
		return status >= 0 && this.statuses.get(status);
	}

	@Override
	public String toString() {
		return this.text;
	}

}

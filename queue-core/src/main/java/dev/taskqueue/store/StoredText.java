package dev.taskqueue.store;

/**
 * Makes error text storable in every supported database: control characters other than tab,
 * line feed and carriage return (PostgreSQL refuses NUL in text) and unpaired surrogates
 * become U+FFFD, and text longer than its bound is cut, ending with an ellipsis. The bounds
 * are in UTF-16 chars, at most three UTF-8 bytes each, so that they fit a MariaDB or MySQL
 * {@code TEXT} column of 65,535 bytes.
 */
final class StoredText {

	private static final char REPLACEMENT = '\uFFFD';

	private static final char ELLIPSIS = '\u2026';

	private StoredText() {
	}

	static String clean(String text, int maxLength) {
		int length = Math.min(text.length(), maxLength);
		boolean cut = text.length() > maxLength;
		if (cut) {
			length = maxLength - 1;
			// Never split a surrogate pair
			if (Character.isHighSurrogate(text.charAt(length - 1)) && Character.isLowSurrogate(text.charAt(length))) {
				length--;
			}
		}
		StringBuilder clean = null;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			boolean paired = (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1)))
					|| (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
			boolean storable = (Character.isSurrogate(c)) ? paired
					: !Character.isISOControl(c) || c == '\t' || c == '\n' || c == '\r';
			if (!storable && clean == null) {
				clean = new StringBuilder(length + 1).append(text, 0, i);
			}
			if (clean != null) {
				clean.append(storable ? c : REPLACEMENT);
			}
		}
		if (clean == null) {
			return cut ? text.substring(0, length) + ELLIPSIS : text;
		}
		return cut ? clean.append(ELLIPSIS).toString() : clean.toString();
	}

}

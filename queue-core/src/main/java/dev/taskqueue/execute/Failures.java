package dev.taskqueue.execute;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.store.TaskOutcome;

/**
 * Turns an exception into the message and stack summary stored on a failed task, both made
 * storable by {@link TaskOutcome.Failed}.
 */
final class Failures {

	private static final int MAX_FRAMES = 20;

	private Failures() {
	}

	static String message(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
	}

	/** Returns the exception, or its first cause, of the given type. */
	static <T extends Throwable> @Nullable T find(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	static String detail(Throwable ex) {
		StringBuilder detail = new StringBuilder();
		Throwable current = ex;
		// The outcome cuts it to its bound; beyond that, more causes would only be cut off
		while (current != null && detail.length() < TaskOutcome.Failed.MAX_DETAIL_LENGTH) {
			detail.append((current == ex) ? "" : "Caused by: ").append(current).append('\n');
			StackTraceElement[] frames = current.getStackTrace();
			for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
				detail.append("\tat ").append(frames[i]).append('\n');
			}
			if (frames.length > MAX_FRAMES) {
				detail.append("\t... ").append(frames.length - MAX_FRAMES).append(" more\n");
			}
			current = (current.getCause() != current) ? current.getCause() : null;
		}
		return detail.toString();
	}

}

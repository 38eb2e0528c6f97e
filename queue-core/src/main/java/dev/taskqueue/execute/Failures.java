package dev.taskqueue.execute;

/**
 * Turns an exception into the message and stack summary stored on a failed task.
 */
final class Failures {

	private static final int MAX_FRAMES = 20;

	private static final int MAX_DETAIL = 8000;

	private Failures() {
	}

	static String message(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
	}

	static String detail(Throwable ex) {
		StringBuilder detail = new StringBuilder();
		Throwable current = ex;
		while (current != null && detail.length() < MAX_DETAIL) {
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
		return (detail.length() > MAX_DETAIL) ? detail.substring(0, MAX_DETAIL) : detail.toString();
	}

}

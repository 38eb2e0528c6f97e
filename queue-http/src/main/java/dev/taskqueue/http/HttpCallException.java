package dev.taskqueue.http;

/**
 * The failure of an HTTP task's attempt that its type's retry policy retries: a status such
 * as 503, a timeout or a connection failure. Its message, kept in the task's error history,
 * holds the status, latency and the start of the response body, never credentials.
 *
 * @since 0.1.0
 */
public class HttpCallException extends RuntimeException {

	HttpCallException(String message) {
		// No cause: a client's exception may quote the full URL, query parameters included
		super(message, null, false, true);
	}

}

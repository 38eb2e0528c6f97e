package dev.taskqueue.http.api;

/**
 * Thrown when a request to the API is refused before anything is written, naming the field at
 * fault.
 */
class InvalidRequestException extends RuntimeException {

	private final String field;

	InvalidRequestException(String field, String message) {
		super(message);
		this.field = field;
	}

	InvalidRequestException(String field, String message, Throwable cause) {
		super(message, cause);
		this.field = field;
	}

	String getField() {
		return this.field;
	}

}

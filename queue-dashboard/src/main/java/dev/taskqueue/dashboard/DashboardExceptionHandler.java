package dev.taskqueue.dashboard;

import java.util.stream.Collectors;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.dashboard.DashboardRequests.BadRequestException;
import dev.taskqueue.dashboard.DashboardRequests.ForbiddenException;
import dev.taskqueue.dashboard.DashboardRequests.NotFoundException;
import dev.taskqueue.dashboard.DashboardViews.ErrorBody;

/**
 * Answers the dashboard API's refusals as {@code {"error": "..."}} with their status.
 */
@RestControllerAdvice(assignableTypes = { DashboardApiController.class, DashboardActionController.class })
class DashboardExceptionHandler {

	@ExceptionHandler(BadRequestException.class)
	ResponseEntity<ErrorBody> badRequest(BadRequestException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/** Its message may quote what it refused, which can be payload text: not echoed. */
	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ErrorBody> illegalArgument(IllegalArgumentException ex) {
		return error(HttpStatus.BAD_REQUEST, "The request is not valid");
	}

	/** Names the field that did not read, if known, never the text Jackson quotes. */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException ex) {
		String message = "The request body is not the JSON expected";
		if (ex.getMostSpecificCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
			message += ": '" + jackson.getPath()
				.stream()
				.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
						: String.valueOf(reference.getIndex()))
				.collect(Collectors.joining(".")) + "' does not read";
		}
		return error(HttpStatus.BAD_REQUEST, message);
	}

	@ExceptionHandler(ForbiddenException.class)
	ResponseEntity<ErrorBody> forbidden(ForbiddenException ex) {
		return error(HttpStatus.FORBIDDEN, ex.getMessage());
	}

	@ExceptionHandler({ NotFoundException.class, TaskNotFoundException.class, JobNotFoundException.class })
	ResponseEntity<ErrorBody> notFound(RuntimeException ex) {
		return error(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	/** The database out of reach: a generic message, as the driver's may name hosts or SQL. */
	@ExceptionHandler({ TaskQueueUnavailableException.class, DataAccessException.class })
	ResponseEntity<ErrorBody> unavailable(RuntimeException ex) {
		return error(HttpStatus.SERVICE_UNAVAILABLE, "The task queue's database cannot be reached; try again later");
	}

	/** A retry or cancel the queue refuses, such as the retry of a cancelled job. */
	@ExceptionHandler(TaskQueueException.class)
	ResponseEntity<ErrorBody> refused(TaskQueueException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	private static ResponseEntity<ErrorBody> error(HttpStatus status, String message) {
		return ResponseEntity.status(status).body(new ErrorBody(message));
	}

}

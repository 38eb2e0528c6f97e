package dev.taskqueue.dashboard;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

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

	@ExceptionHandler({ BadRequestException.class, IllegalArgumentException.class })
	ResponseEntity<ErrorBody> badRequest(RuntimeException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException ex) {
		return error(HttpStatus.BAD_REQUEST, "The request body is not the JSON expected: " + ex.getMostSpecificCause().getMessage());
	}

	@ExceptionHandler(ForbiddenException.class)
	ResponseEntity<ErrorBody> forbidden(ForbiddenException ex) {
		return error(HttpStatus.FORBIDDEN, ex.getMessage());
	}

	@ExceptionHandler({ NotFoundException.class, TaskNotFoundException.class, JobNotFoundException.class })
	ResponseEntity<ErrorBody> notFound(RuntimeException ex) {
		return error(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(TaskQueueUnavailableException.class)
	ResponseEntity<ErrorBody> unavailable(TaskQueueUnavailableException ex) {
		return error(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
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

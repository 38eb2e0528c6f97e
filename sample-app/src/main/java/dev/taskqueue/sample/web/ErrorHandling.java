package dev.taskqueue.sample.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.taskqueue.JobNotFoundException;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.daemon.DaemonNotFoundException;
import dev.taskqueue.schedule.ScheduleNotFoundException;

/**
 * Turns TaskQueue's exceptions into problem details: an unknown task, job, daemon or schedule
 * is a 404, a request the queue rejects (unknown or disabled type, payload that is not JSON,
 * retry of a cancelled job) a 400, and an enqueue while the database cannot be reached a 503,
 * whose detail says whether the client may simply try again.
 */
@RestControllerAdvice
class ErrorHandling {

	@ExceptionHandler({ TaskNotFoundException.class, JobNotFoundException.class, DaemonNotFoundException.class,
			ScheduleNotFoundException.class })
	ProblemDetail notFound(TaskQueueException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unavailable(TaskQueueUnavailableException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "10")
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage()));
	}

	@ExceptionHandler({ TaskQueueException.class, IllegalArgumentException.class })
	ProblemDetail rejected(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

}

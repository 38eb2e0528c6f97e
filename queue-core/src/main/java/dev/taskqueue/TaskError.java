package dev.taskqueue;

import java.time.Instant;

/**
 * The error of one failed attempt of a task.
 *
 * @param attempt the attempt that failed
 * @param message the error message
 * @param detail the exception class, message and stack summary
 * @param failedAt when the failure was recorded
 * @since 0.1.0
 */
public record TaskError(int attempt, String message, String detail, Instant failedAt) {

}

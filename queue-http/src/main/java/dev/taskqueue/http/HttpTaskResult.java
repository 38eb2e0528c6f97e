package dev.taskqueue.http;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The result of an HTTP task: the final response, as kept. Read it with
 * {@code state.result(HttpTaskResult.class)}.
 *
 * @param status the response status
 * @param headers the response headers configured to be kept, values of repeated headers
 * joined by {@code ", "}
 * @param body the response body as text (UTF-8 unless the response names another charset),
 * cut to the type's {@code max-response-body}, or {@code null} if it had none
 * @param truncated whether the body was cut
 * @since 0.1.0
 */
public record HttpTaskResult(int status, Map<String, String> headers, @Nullable String body, boolean truncated) {

}

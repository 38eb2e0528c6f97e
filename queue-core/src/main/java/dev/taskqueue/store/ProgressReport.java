package dev.taskqueue.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskProgress;

/**
 * The latest progress an attempt reported, to be written under the claim that started it, so
 * that an attempt that no longer holds its task writes nothing. The message is made storable
 * on creation, as {@link TaskProgress#MAX_MESSAGE_LENGTH} describes.
 *
 * @param id the task id
 * @param claimToken the token of the attempt's claim
 * @param fraction the share of the work done, from 0 to 1
 * @param message the message, or {@code null}
 * @param reportedAt when the handler reported it
 * @since 0.1.0
 */
public record ProgressReport(UUID id, long claimToken, double fraction, @Nullable String message, Instant reportedAt) {

	public ProgressReport {
		message = (message != null) ? StoredText.clean(message, TaskProgress.MAX_MESSAGE_LENGTH) : null;
	}

}

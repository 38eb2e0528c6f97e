package dev.taskqueue.store;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * How one attempt of a task ended. An outcome names the claim of the attempt it belongs to, so
 * that a late outcome of an attempt that no longer holds its task (taken back, cancelled, or
 * claimed anew after a database crash lost its claim) changes nothing.
 *
 * @since 0.1.0
 */
public sealed interface TaskOutcome {

	/**
	 * Return the task id.
	 * @return the task id
	 */
	UUID id();

	/**
	 * Return the attempt that ended.
	 * @return the attempt
	 */
	int attempt();

	/**
	 * Return the token of the claim that started the attempt.
	 * @return the claim token
	 */
	long claimToken();

	/**
	 * Return the job the task belongs to.
	 * @return the job id, or {@code null}
	 */
	@Nullable UUID jobId();

	/**
	 * The attempt succeeded.
	 *
	 * @param id the task id
	 * @param attempt the attempt
	 * @param claimToken the token of the attempt's claim
	 * @param jobId the job the task belongs to, or {@code null}
	 * @param result the result as JSON, or {@code null}
	 * @param jobWrites what the attempt writes to its job, or {@code null}
	 */
	record Succeeded(UUID id, int attempt, long claimToken, @Nullable UUID jobId, @Nullable String result,
			@Nullable JobWrites jobWrites) implements TaskOutcome {

		/**
		 * Create the outcome of an attempt that writes nothing to a job.
		 * @param id the task id
		 * @param attempt the attempt
		 * @param claimToken the token of the attempt's claim
		 * @param jobId the job the task belongs to, or {@code null}
		 * @param result the result as JSON, or {@code null}
		 */
		public Succeeded(UUID id, int attempt, long claimToken, @Nullable UUID jobId, @Nullable String result) {
			this(id, attempt, claimToken, jobId, result, null);
		}

	}

	/**
	 * The attempt failed: the task runs again at {@code retryAt}, or is FAILED if that is
	 * {@code null}. Either way the error joins the task's error history.
	 * <p>
	 * The message and detail are made storable in every supported database on creation:
	 * control characters other than tab and line breaks, and unpaired surrogates, become
	 * U+FFFD, and text beyond {@link #MAX_MESSAGE_LENGTH} or {@link #MAX_DETAIL_LENGTH}
	 * chars is cut, ending with "…".
	 *
	 * @param id the task id
	 * @param attempt the attempt
	 * @param claimToken the token of the attempt's claim
	 * @param jobId the job the task belongs to, or {@code null}
	 * @param message the error message
	 * @param detail the exception class, message and stack summary
	 * @param retryAt when to run the task again, or {@code null} to fail it
	 */
	record Failed(UUID id, int attempt, long claimToken, @Nullable UUID jobId, String message, String detail,
			@Nullable Instant retryAt)
			implements TaskOutcome {

		/** The most chars of a stored error message. */
		public static final int MAX_MESSAGE_LENGTH = 2000;

		/** The most chars of a stored error detail. */
		public static final int MAX_DETAIL_LENGTH = 8000;

		public Failed {
			message = StoredText.clean(message, MAX_MESSAGE_LENGTH);
			detail = StoredText.clean(detail, MAX_DETAIL_LENGTH);
		}

	}

	/**
	 * The attempt did not start its work and put its task back: the task is due again at
	 * {@code runAt}, its attempt not counted, and no error is kept.
	 *
	 * @param id the task id
	 * @param attempt the attempt
	 * @param claimToken the token of the attempt's claim
	 * @param jobId the job the task belongs to, or {@code null}
	 * @param runAt when the task is due again
	 */
	record Postponed(UUID id, int attempt, long claimToken, @Nullable UUID jobId, Instant runAt)
			implements TaskOutcome {

	}

}

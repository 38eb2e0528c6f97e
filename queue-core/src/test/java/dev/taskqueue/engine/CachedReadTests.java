package dev.taskqueue.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import dev.taskqueue.TaskCounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cached reads, such as task counts, are made at most once per refresh interval, whether the
 * read succeeds or fails.
 */
class CachedReadTests {

	private final AtomicInteger reads = new AtomicInteger();

	private final AtomicBoolean unreachable = new AtomicBoolean(true);

	@Test
	void aFailedReadIsNotTriedAgainBeforeTheRefreshIntervalPasses() {
		CachedRead<TaskCounts> counts = new CachedRead<>(this::countUnfinished, Duration.ofHours(1), (read) -> {
		});
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(counts::get)
				.withMessage("Connection refused");
			assertThat(counts.getIfAvailable()).isNull();
		}
		assertThat(this.reads).hasValue(1);
	}

	@Test
	void countsAreReadAgainOnceTheIntervalAfterAFailedReadPassed() {
		CachedRead<TaskCounts> counts = new CachedRead<>(this::countUnfinished, Duration.ofMillis(100), (read) -> {
		});
		assertThat(counts.getIfAvailable()).isNull();
		this.unreachable.set(false);
		await().until(() -> counts.getIfAvailable() != null);
		assertThat(counts.get().groups()).isEmpty();
		this.unreachable.set(true);
		await().until(() -> counts.getIfAvailable() == null);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(counts::get);
	}

	private TaskCounts countUnfinished() {
		this.reads.incrementAndGet();
		if (this.unreachable.get()) {
			throw new DataAccessResourceFailureException("Connection refused");
		}
		return new TaskCounts(Clock.systemUTC().instant(), List.of());
	}

}

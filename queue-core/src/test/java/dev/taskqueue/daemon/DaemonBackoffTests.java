package dev.taskqueue.daemon;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the backoff of a daemon that crashes again and again.
 */
class DaemonBackoffTests {

	private static final Duration MIN = Duration.ofSeconds(1);

	private static final Duration MAX = Duration.ofSeconds(10);

	@Test
	void backoffDoublesAfterEachCrashInARowUpToTheLongest() {
		assertThat(DaemonRun.restartDelay(1, MIN, MAX)).isEqualTo(Duration.ofSeconds(1));
		assertThat(DaemonRun.restartDelay(2, MIN, MAX)).isEqualTo(Duration.ofSeconds(2));
		assertThat(DaemonRun.restartDelay(3, MIN, MAX)).isEqualTo(Duration.ofSeconds(4));
		assertThat(DaemonRun.restartDelay(4, MIN, MAX)).isEqualTo(Duration.ofSeconds(8));
		assertThat(DaemonRun.restartDelay(5, MIN, MAX)).isEqualTo(Duration.ofSeconds(10));
		assertThat(DaemonRun.restartDelay(Integer.MAX_VALUE, MIN, MAX)).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void backoffNeverExceedsALongestShorterThanTwiceTheShortest() {
		assertThat(DaemonRun.restartDelay(2, MIN, Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
	}

}

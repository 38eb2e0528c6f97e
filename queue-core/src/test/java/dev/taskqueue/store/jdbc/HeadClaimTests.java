package dev.taskqueue.store.jdbc;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.taskqueue.store.jdbc.TaskClaims.HeadClaim;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a claim may start at the head of the ready index again: every interval while that is
 * cheap, and no more than a twentieth of the time once walking the head costs more, judged by
 * the shorter of the last two.
 */
class HeadClaimTests {

	private static final long STARTED = 1_000_000_000L;

	@Test
	void cheapClaimFromTheHeadIsDueAfterTheIntervalAndAtOnceAfterAShortClaim() {
		HeadClaim head = new HeadClaim(STARTED, millis(1), millis(1));
		assertThat(head.due(STARTED + millis(99))).isFalse();
		assertThat(head.due(STARTED + millis(100))).isTrue();
		assertThat(head.allowedAfterShortClaim(STARTED + millis(1))).isTrue();
	}

	@Test
	void claimFromTheHeadCostingFiveMillisecondsIsStillCheap() {
		HeadClaim head = new HeadClaim(STARTED, millis(5), millis(4));
		assertThat(head.due(STARTED + millis(100))).isTrue();
		assertThat(head.allowedAfterShortClaim(STARTED + millis(5))).isTrue();
	}

	@Test
	void costlyClaimsFromTheHeadPushTheNextOneBackToTwentyTimesTheirCost() {
		HeadClaim head = new HeadClaim(STARTED, millis(12), millis(10));
		assertThat(head.due(STARTED + millis(199))).isFalse();
		assertThat(head.due(STARTED + millis(200))).isTrue();
		assertThat(head.allowedAfterShortClaim(STARTED + millis(100))).isFalse();
		assertThat(head.allowedAfterShortClaim(STARTED + millis(200))).isTrue();
	}

	@Test
	void oneClaimFromTheHeadSlowedByChanceDoesNotHoldTheNextOneBack() {
		HeadClaim first = new HeadClaim(STARTED, millis(40), 0);
		assertThat(first.allowedAfterShortClaim(STARTED + millis(1))).isTrue();
		HeadClaim later = new HeadClaim(STARTED, millis(40), millis(1));
		assertThat(later.due(STARTED + millis(100))).isTrue();
		assertThat(later.allowedAfterShortClaim(STARTED + millis(1))).isTrue();
	}

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

}

package dev.taskqueue.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slots of cron expressions across daylight-saving changes, and of fixed rates. Europe/Berlin
 * springs forward on 2026-03-29 at 02:00 (to 03:00) and falls back on 2026-10-25 at 03:00 (to
 * 02:00); America/New_York springs forward on 2026-03-08 at 02:00 and falls back on 2026-11-01
 * at 02:00 (to 01:00).
 */
class CadenceTests {

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	@Test
	void aDailySlotInsideTheSpringForwardGapFiresOnceAtTheFirstInstantAfterTheGapInBerlin() {
		Cadence cadence = Cadence.cron("0 30 2 * * *", BERLIN);
		assertThat(cadence.between(Instant.parse("2026-03-27T12:00:00Z"), Instant.parse("2026-03-31T12:00:00Z"), 10))
			.containsExactly(Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
					Instant.parse("2026-03-29T01:00:00Z"), // 03:00 CEST, the end of the gap
					Instant.parse("2026-03-30T00:30:00Z"), // 02:30 CEST
					Instant.parse("2026-03-31T00:30:00Z"));
	}

	@Test
	void springsCronExpressionAloneSkipsTheGapSlotForTheDay() {
		// What Cadence corrects: no run at all on the day of the change
		ZonedDateTime next = CronExpression.parse("0 30 2 * * *")
			.next(ZonedDateTime.of(2026, 3, 29, 0, 0, 0, 0, BERLIN));
		assertThat(next.toInstant()).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
	}

	@Test
	void springsCronExpressionAloneFiresTheRepeatedHourTwice() {
		CronExpression cron = CronExpression.parse("0 30 * * * *");
		ZonedDateTime first = cron.next(ZonedDateTime.of(2026, 10, 25, 2, 0, 0, 0, BERLIN));
		ZonedDateTime second = cron.next(first);
		assertThat(first.toInstant()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
		assertThat(second.toInstant()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
	}

	@Test
	void slotsEveryQuarterHourInsideTheSpringForwardGapCollapseIntoOneAtItsEndInNewYork() {
		Cadence cadence = Cadence.cron("0 */15 * * * *", NEW_YORK);
		// 01:45 EST, then 02:00 to 02:45 do not exist; 03:00 EDT is the first instant after the gap
		assertThat(cadence.between(Instant.parse("2026-03-08T06:45:00Z"), Instant.parse("2026-03-08T07:15:00Z"), 10))
			.containsExactly(Instant.parse("2026-03-08T06:45:00Z"), Instant.parse("2026-03-08T07:00:00Z"),
					Instant.parse("2026-03-08T07:15:00Z"));
	}

	@Test
	void aDailySlotInTheRepeatedHourFiresOnceAtItsFirstOccurrenceInNewYork() {
		Cadence cadence = Cadence.cron("0 30 1 * * *", NEW_YORK);
		assertThat(cadence.between(Instant.parse("2026-10-31T12:00:00Z"), Instant.parse("2026-11-02T12:00:00Z"), 10))
			.containsExactly(Instant.parse("2026-11-01T05:30:00Z"), // 01:30 EDT, the first of the two
					Instant.parse("2026-11-02T06:30:00Z")); // 01:30 EST
	}

	@Test
	void anHourlySlotFiresOnceThroughTheFallBackInBerlin() {
		Cadence cadence = Cadence.cron("0 30 * * * *", BERLIN);
		// 01:30 CEST, 02:30 CEST, (02:30 CET repeats the wall clock: no slot), 03:30 CET
		assertThat(cadence.between(Instant.parse("2026-10-24T23:00:00Z"), Instant.parse("2026-10-25T02:45:00Z"), 10))
			.containsExactly(Instant.parse("2026-10-24T23:30:00Z"), Instant.parse("2026-10-25T00:30:00Z"),
					Instant.parse("2026-10-25T02:30:00Z"));
	}

	@Test
	void aSlotAfterAnInstantInTheRepeatedHourIsAfterTheRepetition() {
		Cadence cadence = Cadence.cron("0 30 1 * * *", NEW_YORK);
		// 01:10 EST, in the second pass of the repeated hour: 01:30 has fired already today
		assertThat(cadence.next(Instant.parse("2026-11-01T06:10:00Z"))).isEqualTo(Instant.parse("2026-11-02T06:30:00Z"));
	}

	@Test
	void aSlotAfterTheEndOfTheGapIsTheNextWallClockSlot() {
		Cadence cadence = Cadence.cron("0 30 2 * * *", BERLIN);
		assertThat(cadence.next(Instant.parse("2026-03-29T01:00:00Z"))).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
	}

	@Test
	void cronMacrosAreReadInTheZone() {
		Cadence cadence = Cadence.cron("@daily", BERLIN);
		assertThat(cadence.next(Instant.parse("2026-06-01T12:00:00Z"))).isEqualTo(Instant.parse("2026-06-01T22:00:00Z"));
	}

	@Test
	void aFixedRateCountsFromItsAnchorWhateverTheZone() {
		Cadence cadence = Cadence.fixedRate(Duration.ofMinutes(90), Instant.parse("2026-03-29T00:15:00Z"));
		assertThat(cadence.next(Instant.parse("2026-03-28T00:00:00Z"))).isEqualTo(Instant.parse("2026-03-29T00:15:00Z"));
		assertThat(cadence.next(Instant.parse("2026-03-29T00:15:00Z"))).isEqualTo(Instant.parse("2026-03-29T01:45:00Z"));
		assertThat(cadence.next(Instant.parse("2026-03-29T03:00:00Z"))).isEqualTo(Instant.parse("2026-03-29T03:15:00Z"));
	}

	@Test
	void theAnchorOfAFixedRateIsTheWholeSecondOfCreation() {
		assertThat(Cadence.anchor(Instant.parse("2026-03-29T00:15:07.123456Z")))
			.isEqualTo(Instant.parse("2026-03-29T00:15:07Z"));
	}

}

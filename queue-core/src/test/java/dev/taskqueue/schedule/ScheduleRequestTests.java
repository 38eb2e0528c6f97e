package dev.taskqueue.schedule;

import java.time.Duration;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Building a schedule checks what it can without the database, naming the schedule and the
 * property.
 */
class ScheduleRequestTests {

	@Test
	void theDefaultsAreUtcActiveRunLatestAndAllow() {
		ScheduleRequest request = ScheduleRequest.cron("nightly", "report", "@daily").build();
		assertThat(request.zone()).isEqualTo(ZoneOffset.UTC);
		assertThat(request.paused()).isFalse();
		assertThat(request.misfire()).isEqualTo(MisfirePolicy.runLatest());
		assertThat(request.overlap()).isEqualTo(OverlapPolicy.ALLOW);
	}

	@Test
	void anInvalidCronExpressionIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleRequest.cron("nightly", "report", "0 0 25 * * *").build())
			.withMessageContaining("'cron' of schedule 'nightly' is invalid: '0 0 25 * * *'");
	}

	@Test
	void aRateThatIsNotPositiveWholeMillisecondsIsNamed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ScheduleRequest.fixedRate("often", "report", Duration.ZERO).build())
			.withMessageContaining("'fixed-rate' of schedule 'often'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ScheduleRequest.fixedRate("often", "report", Duration.ofNanos(1_500_000)).build())
			.withMessageContaining("'fixed-rate' of schedule 'often'");
	}

	@Test
	void aScheduleWithBothCronAndRateIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ScheduleRequest("both", "report", null, null, null, "@daily", Duration.ofMinutes(1),
					ZoneOffset.UTC, false, MisfirePolicy.skip(), OverlapPolicy.ALLOW))
			.withMessageContaining("Schedule 'both' must have exactly one of 'cron' and 'fixed-rate'");
	}

	@Test
	void aRunAllPolicyNeedsACapAndAWindow() {
		assertThatIllegalArgumentException().isThrownBy(() -> MisfirePolicy.runAll(0, Duration.ofHours(1)))
			.withMessageContaining("'cap'");
		assertThatIllegalArgumentException().isThrownBy(() -> MisfirePolicy.runAll(3, Duration.ZERO))
			.withMessageContaining("'window'");
	}

	@Test
	void aBlankNameOrTypeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleRequest.cron(" ", "report", "@daily").build())
			.withMessageContaining("'name' of a schedule");
		assertThatIllegalArgumentException().isThrownBy(() -> ScheduleRequest.cron("nightly", "", "@daily").build())
			.withMessageContaining("'type' of schedule 'nightly'");
	}

}

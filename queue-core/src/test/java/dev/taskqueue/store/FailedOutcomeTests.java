package dev.taskqueue.store;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed attempt's message and detail are storable in every database, whatever the
 * exception said.
 */
class FailedOutcomeTests {

	@Test
	void controlCharactersAndUnpairedSurrogatesAreReplacedButLineBreaksTabsAndPairsKept() {
		TaskOutcome.Failed failed = failed("a\u0000b\u0007c\u009F\td\r\ne \uD83D\uDE00 \uD800 \uDC00 \uDE00\uD83D",
				"detail\u0000");
		assertThat(failed.message()).isEqualTo("a\uFFFDb\uFFFDc\uFFFD\td\r\ne \uD83D\uDE00 \uFFFD \uFFFD \uFFFD\uFFFD");
		assertThat(failed.detail()).isEqualTo("detail\uFFFD");
	}

	@Test
	void textWithinItsBoundIsKeptAsItIs() {
		String message = "m".repeat(TaskOutcome.Failed.MAX_MESSAGE_LENGTH);
		assertThat(failed(message, "d").message()).isSameAs(message);
	}

	@Test
	void longTextIsCutToItsBoundEndingWithAnEllipsisAndFitsAMariaDbTextColumnInBytes() {
		// Four UTF-8 bytes per pair: the worst case for the column's 65,535 bytes
		String emoji = "\uD83D\uDE00".repeat(40_000);
		TaskOutcome.Failed failed = failed("x".repeat(70_000), "y" + emoji);
		assertThat(failed.message()).hasSize(TaskOutcome.Failed.MAX_MESSAGE_LENGTH).endsWith("…");
		assertThat(failed.detail()).hasSizeLessThanOrEqualTo(TaskOutcome.Failed.MAX_DETAIL_LENGTH)
			.endsWith("\uD83D\uDE00…")
			.doesNotContain("\uFFFD");
		assertThat(failed.detail().getBytes(StandardCharsets.UTF_8).length).isLessThan(65_535);
	}

	private static TaskOutcome.Failed failed(String message, String detail) {
		return new TaskOutcome.Failed(UUID.randomUUID(), 1, 1L, null, message, detail, null);
	}

}

package dev.taskqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TaskIds}.
 */
class TaskIdsTests {

	@Test
	void idsMadeInTheSameMillisecondSortInTheOrderTheyWereMade() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(TaskIds.next().toString());
		}
		// Text order is the order of the databases: unsigned bytes, or the text itself
		assertThat(ids).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void idsAreVersion7WithTheCurrentTime() {
		long before = System.currentTimeMillis();
		UUID id = TaskIds.next();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis() + 1000);
	}

}

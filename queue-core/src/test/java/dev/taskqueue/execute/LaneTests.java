package dev.taskqueue.execute;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.enqueue.RequestResolver;
import dev.taskqueue.json.PayloadCodec;
import dev.taskqueue.store.ClaimedTask;
import dev.taskqueue.type.TaskTypeRegistry;
import dev.taskqueue.type.TaskTypeSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lane claims ahead only for quick handlers, and starts what it holds in claim order into
 * free slots alone.
 */
class LaneTests {

	private static final Duration HORIZON = Duration.ofMillis(50);

	private final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build());

	private final RunningTask.Support support = new RunningTask.Support((id) -> List.of(), (id) -> null,
			new RequestResolver(new TaskTypeRegistry(List.of(), TaskTypeSettings.NONE), this.codec),
			Clock.systemUTC());

	@Test
	void expectsNoStartsUntilAHandlerHasEnded() {
		assertThat(new Lane(List.of("default"), 10).expectedStarts(HORIZON, 100)).isZero();
	}

	@Test
	void expectsAsManyStartsAsItsSlotsFreeWithinTheHorizonAtMostTheGivenMaximum() {
		Lane lane = laneThatRan(10, Duration.ofMillis(10));
		assertThat(lane.expectedStarts(HORIZON, 100)).isEqualTo(50);
		assertThat(lane.expectedStarts(HORIZON, 20)).isEqualTo(20);
		assertThat(lane.expectedStarts(Duration.ZERO, 100)).isZero();
	}

	@Test
	void expectsNoStartsWhenHandlersOutlastTheHorizonTimesTheSlots() {
		Lane lane = laneThatRan(2, Duration.ofMillis(200));
		assertThat(lane.expectedStarts(HORIZON, 100)).isZero();
	}

	@Test
	void startsBufferedTasksInClaimOrderOnlyIntoFreeSlots() {
		Lane lane = new Lane(List.of("default"), 2);
		RunningTask first = task(lane);
		RunningTask second = task(lane);
		RunningTask third = task(lane);
		List.of(first, second, third).forEach(lane::buffer);
		assertThat(lane.reserve()).isTrue();
		assertThat(lane.reserve()).isTrue();
		assertThat(lane.reserve()).isFalse();
		assertThat(lane.freeSlots()).isZero();
		assertThat(lane.takeReserved()).isSameAs(first);
		// The slot a task frees goes straight to the head; a reserved slot takes the head when its thread runs
		assertThat(lane.releaseAndNext(1)).isSameAs(second);
		assertThat(lane.takeReserved()).isSameAs(third);
		assertThat(lane.releaseAndNext(1)).isNull();
		assertThat(lane.buffered()).isZero();
		assertThat(lane.freeSlots()).isOne();
	}

	@Test
	void dropsAWaitingTaskButNotOneThatStartedAndFreesASlotReservedForIt() {
		Lane lane = new Lane(List.of("default"), 2);
		RunningTask started = task(lane);
		RunningTask waiting = task(lane);
		lane.buffer(started);
		lane.buffer(waiting);
		lane.reserve();
		lane.reserve();
		assertThat(lane.takeReserved()).isSameAs(started);
		assertThat(lane.unbuffer(started)).isFalse();
		assertThat(lane.unbuffer(waiting)).isTrue();
		assertThat(lane.takeReserved()).isNull();
		assertThat(lane.freeSlots()).isOne();
	}

	private Lane laneThatRan(int concurrency, Duration handler) {
		Lane lane = new Lane(List.of("default"), concurrency);
		lane.buffer(task(lane));
		lane.reserve();
		lane.takeReserved();
		lane.releaseAndNext(handler.toNanos());
		return lane;
	}

	private RunningTask task(Lane lane) {
		ClaimedTask claimed = new ClaimedTask(UUID.randomUUID(), "t", "default", 1, 1L, 0, null, TaskOptions.DEFAULTS,
				null, Instant.EPOCH);
		return new RunningTask(claimed, lane, this.codec, Duration.ofSeconds(30), TaskOptions.DEFAULTS, (task) -> {
		}, this.support);
	}

}

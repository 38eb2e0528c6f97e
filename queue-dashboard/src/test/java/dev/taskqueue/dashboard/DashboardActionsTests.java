package dev.taskqueue.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;

import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.TaskQueueUnavailableException;
import dev.taskqueue.TaskStatus;
import dev.taskqueue.browse.AuditEntry;
import dev.taskqueue.browse.AuditTrail;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.TaskBrowser;
import dev.taskqueue.browse.TaskFilter;
import dev.taskqueue.browse.TaskSummary;
import dev.taskqueue.dashboard.DashboardActions.Action;
import dev.taskqueue.dashboard.DashboardRequests.BadRequestException;
import dev.taskqueue.dashboard.DashboardViews.BulkResult;
import dev.taskqueue.engine.TaskQueueEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * How the dashboard's actions meet a queue that refuses, fails or holds more than a bulk
 * action may change, and what they leave in the audit trail.
 */
class DashboardActionsTests {

	private final TaskQueueEngine engine = mock(TaskQueueEngine.class);

	private final TaskQueue queue = mock(TaskQueue.class);

	private final AuditTrail auditTrail = mock(AuditTrail.class);

	private final TaskBrowser browser = mock(TaskBrowser.class);

	private final DashboardActions actions = new DashboardActions(this.engine, 3);

	@BeforeEach
	void wire() {
		given(this.engine.queue()).willReturn(this.queue);
		given(this.engine.auditTrail()).willReturn(this.auditTrail);
		given(this.engine.browser()).willReturn(this.browser);
		given(this.engine.now()).willReturn(Instant.parse("2026-12-03T21:00:00Z"));
	}

	@Test
	void aRetryTheQueueRefusesChangesNothingButAnOutageIsNotTakenForARefusal() {
		UUID refused = TaskIds.next();
		given(this.queue.retry(refused))
			.willThrow(new TaskQueueException("holds its unique key", new DuplicateKeyException("key")));
		assertThat(this.actions.onTask("otto", refused, Action.RETRY)).isZero();
		UUID unreachable = TaskIds.next();
		given(this.queue.retry(unreachable)).willThrow(new TaskQueueUnavailableException("down", new DataAccessResourceFailureException("down")));
		assertThatExceptionOfType(TaskQueueUnavailableException.class)
			.isThrownBy(() -> this.actions.onTask("otto", unreachable, Action.RETRY));
	}

	@Test
	void aBulkStopsAtAnOutageAndAuditsWhatItChangedBeforeIt() {
		UUID first = TaskIds.next();
		UUID second = TaskIds.next();
		UUID third = TaskIds.next();
		given(this.queue.cancel(first)).willReturn(true);
		given(this.queue.cancel(second)).willThrow(new DataAccessResourceFailureException("down"));
		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.actions.onIds("otto", List.of(first, second, third), Action.CANCEL));
		verify(this.queue, times(0)).cancel(third);
		AuditEntry entry = recorded();
		assertThat(entry.action()).isEqualTo("bulk.cancel");
		assertThat(entry.tasks()).isOne();
		assertThat(entry.detail()).isEqualTo("matched 1, changed 1: " + first);
	}

	@Test
	void theAuditsDetailHoldsTheCountsAndAsManyIdsAsFitAndTheUserIsCut() {
		List<UUID> ids = IntStream.range(0, DashboardActions.MAX_IDS).mapToObj((i) -> TaskIds.next()).toList();
		ids.forEach((id) -> given(this.queue.retry(id)).willReturn(true));
		this.actions.onIds("o".repeat(300), ids, Action.RETRY);
		AuditEntry entry = recorded();
		assertThat(entry.user()).hasSize(DashboardActions.MAX_USER_LENGTH);
		assertThat(entry.tasks()).isEqualTo(DashboardActions.MAX_IDS);
		assertThat(entry.detail()).startsWith("matched 1000, changed 1000: " + ids.get(0) + " " + ids.get(1))
			.endsWith(" ...")
			.hasSizeLessThanOrEqualTo(AuditEntry.MAX_DETAIL_LENGTH);
	}

	@Test
	void aBulkByAnEmptyFilterIsRefused() {
		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> this.actions.onFilter("otto", TaskFilter.ALL, Action.CANCEL))
			.withMessageContaining("'filter'");
		verifyNoInteractions(this.queue, this.auditTrail);
	}

	@Test
	void aBulkByFilterStopsAtItsLimitAndSaysSo() {
		List<TaskSummary> tasks = IntStream.range(0, 5).mapToObj((i) -> task()).toList();
		given(this.browser.tasks(any(), any(), anyInt())).willReturn(new Page<>(tasks, null));
		given(this.queue.cancel(any())).willReturn(true);
		BulkResult result = this.actions.onFilter("otto", new TaskFilter(TaskStatus.READY, null, null, null, null, null),
				Action.CANCEL);
		assertThat(result).isEqualTo(new BulkResult(3, 3, true));
		verify(this.queue, times(3)).cancel(any());
		assertThat(recorded().tasks()).isEqualTo(3);
	}

	@Test
	void aBulkByFilterThatMatchesExactlyItsLimitIsNotTruncated() {
		List<TaskSummary> tasks = IntStream.range(0, 3).mapToObj((i) -> task()).toList();
		given(this.browser.tasks(any(), any(), anyInt())).willReturn(new Page<>(tasks, null));
		given(this.queue.cancel(any())).willReturn(true);
		assertThat(this.actions.onFilter("otto", new TaskFilter(null, "echo", null, null, null, null), Action.CANCEL))
			.isEqualTo(new BulkResult(3, 3, false));
	}

	private AuditEntry recorded() {
		ArgumentCaptor<AuditEntry> entry = ArgumentCaptor.forClass(AuditEntry.class);
		verify(this.auditTrail).record(entry.capture());
		return entry.getValue();
	}

	private static TaskSummary task() {
		TaskSummary task = mock(TaskSummary.class);
		given(task.id()).willReturn(TaskIds.next());
		return task;
	}

}

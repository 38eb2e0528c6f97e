package dev.taskqueue.dashboard;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskIds;
import dev.taskqueue.TaskNotFoundException;
import dev.taskqueue.TaskQueue;
import dev.taskqueue.TaskQueueException;
import dev.taskqueue.browse.AuditEntry;
import dev.taskqueue.browse.Page;
import dev.taskqueue.browse.TaskFilter;
import dev.taskqueue.browse.TaskSummary;
import dev.taskqueue.dashboard.DashboardRequests.BadRequestException;
import dev.taskqueue.dashboard.DashboardViews.BulkResult;
import dev.taskqueue.engine.TaskQueueEngine;

/**
 * Retries and cancels tasks and jobs through {@link TaskQueue}, so that they keep every rule of
 * a retry or cancel an application makes (claims, jobs, waiting descendants), and records each
 * action in the audit trail.
 */
final class DashboardActions {

	/** How many tasks a bulk action reads and acts on at a time. */
	static final int BATCH_SIZE = 200;

	/** The most ids a bulk action by ids takes. */
	static final int MAX_IDS = 1000;

	private final TaskQueueEngine engine;

	DashboardActions(TaskQueueEngine engine) {
		this.engine = engine;
	}

	int onTask(String user, UUID id, Action action) {
		int changed = apply(this.engine.queue(), id, action) ? 1 : 0;
		audit(user, "task." + action.name, id.toString(), changed, null);
		return changed;
	}

	int onJob(String user, UUID id, Action action) {
		TaskQueue queue = this.engine.queue();
		int changed = switch (action) {
			case RETRY -> queue.retryJob(id);
			case CANCEL -> queue.cancelJob(id) ? 1 : 0;
		};
		audit(user, "job." + action.name, id.toString(), changed, null);
		return changed;
	}

	BulkResult onIds(String user, List<UUID> ids, Action action) {
		if (ids.isEmpty() || ids.size() > MAX_IDS) {
			throw new BadRequestException("'ids' must list from 1 to " + MAX_IDS + " ids, not " + ids.size());
		}
		Set<UUID> distinct = new LinkedHashSet<>(ids);
		int matched = 0;
		int changed = 0;
		for (UUID id : distinct) {
			try {
				changed += apply(this.engine.queue(), id, action) ? 1 : 0;
				matched++;
			}
			catch (TaskNotFoundException ex) {
				// Gone since the operator saw it, deleted by retention for example: not matched
			}
		}
		audit(user, "bulk." + action.name, distinct.size() + " tasks", changed,
				distinct.stream().map(UUID::toString).collect(Collectors.joining(" ")));
		return new BulkResult(matched, changed);
	}

	/**
	 * Acts on every task that matches the filter, a batch at a time, newest first. Each batch
	 * is read after the previous one was acted on, starting after its last id, so that a task
	 * the action changed is never read twice and one that matches is never skipped.
	 */
	BulkResult onFilter(String user, TaskFilter filter, Action action) {
		TaskQueue queue = this.engine.queue();
		int matched = 0;
		int changed = 0;
		UUID after = null;
		do {
			Page<TaskSummary> page = this.engine.browser().tasks(filter, after, BATCH_SIZE);
			for (TaskSummary task : page.items()) {
				try {
					changed += apply(queue, task.id(), action) ? 1 : 0;
					matched++;
				}
				catch (TaskNotFoundException ex) {
					// Deleted since the batch was read: not matched
				}
			}
			after = page.next();
		}
		while (after != null);
		audit(user, "bulk." + action.name, filter.toString(), changed, "matched " + matched);
		return new BulkResult(matched, changed);
	}

	private static boolean apply(TaskQueue queue, UUID id, Action action) {
		try {
			return switch (action) {
				case RETRY -> queue.retry(id);
				case CANCEL -> queue.cancel(id);
			};
		}
		catch (TaskNotFoundException ex) {
			throw ex;
		}
		catch (TaskQueueException ex) {
			// A retry refused, as another unfinished task holds the key: nothing changed
			return false;
		}
	}

	private void audit(String user, String action, String target, int tasks, @Nullable String detail) {
		this.engine.auditTrail()
			.record(new AuditEntry(TaskIds.next(), this.engine.now(), user, action, target, tasks, detail));
	}

	/**
	 * What an operator does to tasks.
	 */
	enum Action {

		RETRY("retry"), CANCEL("cancel");

		private final String name;

		Action(String name) {
			this.name = name;
		}

		static Action of(@Nullable String name) {
			for (Action action : values()) {
				if (action.name.equals(name)) {
					return action;
				}
			}
			throw new BadRequestException("Unknown action '" + name + "'; expected 'retry' or 'cancel'");
		}

	}

}

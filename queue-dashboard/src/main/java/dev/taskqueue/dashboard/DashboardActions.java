package dev.taskqueue.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.util.Assert;

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

	/** The longest user name the audit trail stores; longer ones are cut. */
	static final int MAX_USER_LENGTH = 255;

	private final TaskQueueEngine engine;

	private final int bulkLimit;

	/**
	 * @param engine the engine whose queue acts
	 * @param bulkLimit the most tasks one bulk action by filter acts on
	 */
	DashboardActions(TaskQueueEngine engine, int bulkLimit) {
		Assert.isTrue(bulkLimit > 0, "'bulkLimit' must be positive");
		this.engine = engine;
		this.bulkLimit = bulkLimit;
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
		Done done = new Done();
		// Audited even if the work stops half-way, so that no change goes unrecorded
		try {
			for (UUID id : distinct) {
				done.act(this.engine.queue(), id, action);
			}
		}
		finally {
			audit(user, "bulk." + action.name, distinct.size() + " tasks", done.changed.size(), done.detail());
		}
		return new BulkResult(done.matched, done.changed.size(), false);
	}

	/**
	 * Acts on the tasks that match the filter, at most the bulk limit of them, a batch at a
	 * time, newest first. Each batch is read after the previous one was acted on, starting
	 * after its last id, so that a task the action changed is never read twice and one that
	 * matches is never skipped. A filter must choose something: acting on every task takes an
	 * explicit filter.
	 */
	BulkResult onFilter(String user, TaskFilter filter, Action action) {
		if (filter.equals(TaskFilter.ALL)) {
			throw new BadRequestException(
					"A bulk action by 'filter' needs at least one of status, type, queue, job, from or to");
		}
		TaskQueue queue = this.engine.queue();
		Done done = new Done();
		boolean truncated = false;
		try {
			UUID after = null;
			do {
				Page<TaskSummary> page = this.engine.browser().tasks(filter, after, BATCH_SIZE);
				for (TaskSummary task : page.items()) {
					if (done.seen == this.bulkLimit) {
						truncated = true;
						break;
					}
					done.act(queue, task.id(), action);
				}
				after = truncated ? null : page.next();
			}
			while (after != null);
		}
		finally {
			audit(user, "bulk." + action.name, filter.toString(), done.changed.size(), done.detail());
		}
		return new BulkResult(done.matched, done.changed.size(), truncated);
	}

	private static boolean apply(TaskQueue queue, UUID id, Action action) {
		try {
			return switch (action) {
				case RETRY -> queue.retry(id);
				case CANCEL -> queue.cancel(id);
			};
		}
		catch (TaskQueueException ex) {
			// A retry refused, as another unfinished task holds the key: nothing changed. Any
			// other failure, a database out of reach or a task gone, is the caller's to answer
			if (ex.getClass() == TaskQueueException.class && ex.getCause() instanceof DuplicateKeyException) {
				return false;
			}
			throw ex;
		}
	}

	private void audit(String user, String action, String target, int tasks, @Nullable String detail) {
		String name = (user.length() > MAX_USER_LENGTH) ? user.substring(0, MAX_USER_LENGTH) : user;
		this.engine.auditTrail()
			.record(new AuditEntry(TaskIds.next(), this.engine.now(), name, action, target, tasks, detail));
	}

	/**
	 * What a bulk action has done so far.
	 */
	private static final class Done {

		private static final String MORE = " ...";

		private int seen;

		private int matched;

		private final List<UUID> changed = new ArrayList<>();

		void act(TaskQueue queue, UUID id, Action action) {
			this.seen++;
			try {
				if (apply(queue, id, action)) {
					this.changed.add(id);
				}
				this.matched++;
			}
			catch (TaskNotFoundException ex) {
				// Gone since the operator saw it, deleted by retention for example: not matched
			}
		}

		/** The counts and as many of the changed ids as the audit's detail holds. */
		String detail() {
			StringBuilder detail = new StringBuilder("matched " + this.matched + ", changed " + this.changed.size());
			String separator = ": ";
			for (UUID id : this.changed) {
				String next = separator + id;
				if (detail.length() + next.length() + MORE.length() > AuditEntry.MAX_DETAIL_LENGTH) {
					detail.append(MORE);
					break;
				}
				detail.append(next);
				separator = " ";
			}
			return detail.toString();
		}

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

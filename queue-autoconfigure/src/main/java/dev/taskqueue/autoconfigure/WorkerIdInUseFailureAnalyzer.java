package dev.taskqueue.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.taskqueue.node.NodeInfo;
import dev.taskqueue.node.WorkerIdInUseException;

/**
 * Explains a start refused because a live node holds the worker id, and when the id will be
 * free.
 */
class WorkerIdInUseFailureAnalyzer extends AbstractFailureAnalyzer<WorkerIdInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WorkerIdInUseException cause) {
		NodeInfo holder = cause.getHolder();
		return new FailureAnalysis("""
				TaskQueue worker id '%s' is in use by a live node: host %s, pid %d, started at %s, last heartbeat \
				%s.""".formatted(holder.id(), holder.host(), holder.pid(), holder.startedAt(), holder.lastHeartbeat()),
				"""
				Stop that node, or give this one another id with 'taskqueue.worker.id'. If that node is dead, its id \
				is free once its heartbeat has lapsed, at %s (after 'taskqueue.worker.node-expiry').""".formatted(
						holder.expiresAt()), cause);
	}

}

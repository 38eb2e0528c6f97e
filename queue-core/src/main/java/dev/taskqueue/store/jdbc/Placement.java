package dev.taskqueue.store.jdbc;

import java.util.List;

import dev.taskqueue.TaskStatus;
import dev.taskqueue.store.NewTask;
import dev.taskqueue.store.jdbc.TaskInserts.Edge;

/** The status a new task starts in, how many parents it waits for, and its parent edges. */
record Placement(TaskStatus status, int waitingFor, List<Edge> edges) {

	/** Where a task without parents starts. */
	static final Placement READY = new Placement(TaskStatus.READY, 0, List.of());

	/** Whether the task is ready now, so that listening nodes should wake. */
	boolean isDue(NewTask task) {
		return this.status == TaskStatus.READY && task.isDueWhenEnqueued();
	}

}

package dev.taskqueue.browse;

import java.util.List;

import dev.taskqueue.TaskOptions;
import dev.taskqueue.TaskState;

/**
 * A task with everything an operator looks at: its state, the options its request set, and
 * the tasks it waits for and that wait for it.
 *
 * @param task the task's state, with its error history
 * @param options the execution options its request set
 * @param parents the tasks it waits for
 * @param children the tasks that wait for it
 * @since 0.1.0
 */
public record TaskDetail(TaskState task, TaskOptions options, List<TaskLink> parents, List<TaskLink> children) {

	public TaskDetail {
		parents = List.copyOf(parents);
		children = List.copyOf(children);
	}

}

package dev.taskqueue.browse;

import java.util.List;
import java.util.UUID;

/**
 * The tasks connected to a task through the dependencies between them, with those
 * dependencies: the flow it belongs to.
 *
 * @param nodes the tasks
 * @param edges the dependencies between them
 * @param truncated whether the flow has more tasks than were read
 * @since 0.1.0
 */
public record Flow(List<TaskLink> nodes, List<Edge> edges, boolean truncated) {

	public Flow {
		nodes = List.copyOf(nodes);
		edges = List.copyOf(edges);
	}

	/**
	 * A dependency: a child task waits for its parent.
	 *
	 * @param from the parent
	 * @param to the child
	 * @param evenIfFailed whether the child runs even if the parent fails
	 */
	public record Edge(UUID from, UUID to, boolean evenIfFailed) {

	}

}

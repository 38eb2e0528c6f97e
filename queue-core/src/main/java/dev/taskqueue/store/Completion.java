package dev.taskqueue.store;

import java.util.List;

/**
 * What recording a batch of outcomes changed.
 *
 * @param current the outcomes of attempts that were still current, so were recorded, in
 * place of those that could not be (a succeeded attempt whose writes to its job failed is
 * recorded as failed); outcomes of attempts taken back or cancelled are left out
 * @param mayBeReady whether tasks may have become ready: waiting children, added or planned
 * tasks
 * @since 0.1.0
 */
public record Completion(List<TaskOutcome> current, boolean mayBeReady) {

	public Completion {
		current = List.copyOf(current);
	}

}

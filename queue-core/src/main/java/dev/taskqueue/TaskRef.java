package dev.taskqueue;

import java.util.UUID;

import org.springframework.util.Assert;

/**
 * A reference to an enqueued task: its id and type.
 *
 * @param id the task id
 * @param type the task type
 * @since 0.1.0
 */
public record TaskRef(UUID id, String type) {

	public TaskRef {
		Assert.notNull(id, "'id' must not be null");
		Assert.hasText(type, "'type' must not be empty");
	}

}

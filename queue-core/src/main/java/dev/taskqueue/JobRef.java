package dev.taskqueue;

import java.util.UUID;

import org.springframework.util.Assert;

/**
 * A reference to a started job: its id and name.
 *
 * @param id the job id
 * @param name the job name
 * @since 0.1.0
 */
public record JobRef(UUID id, String name) {

	public JobRef {
		Assert.notNull(id, "'id' must not be null");
		Assert.hasText(name, "'name' must not be empty");
	}

}

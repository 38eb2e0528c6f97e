package dev.taskqueue.browse;

import java.util.UUID;

import dev.taskqueue.TaskStatus;

/**
 * A task that another waits for or that waits for another: a node of a flow.
 *
 * @param id the task id
 * @param type the task type
 * @param status its status
 * @since 0.1.0
 */
public record TaskLink(UUID id, String type, TaskStatus status) {

}

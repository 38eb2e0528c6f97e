package dev.taskqueue.store;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.taskqueue.TaskStatus;

/**
 * A parent of a task, as its child's handler reads it.
 *
 * @param id the parent's id
 * @param type its task type
 * @param status its status
 * @param result its result as JSON, or {@code null}
 * @since 0.1.0
 */
public record ParentTask(UUID id, String type, TaskStatus status, @Nullable String result) {

}

/**
 * The {@link dev.taskqueue.annotation.Task @Task} annotation and the post-processor that turns annotated bean methods into task handlers
 * and collects the schedules they declare.
 */
@NullMarked
package dev.taskqueue.annotation;

import org.jspecify.annotations.NullMarked;

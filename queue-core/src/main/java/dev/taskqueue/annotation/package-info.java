/**
 * The {@link dev.taskqueue.annotation.Task @Task} and {@link dev.taskqueue.annotation.Daemon @Daemon} annotations
 * and the post-processors that turn annotated bean methods into task handlers and daemons, and collect the
 * schedules task methods declare.
 */
@NullMarked
package dev.taskqueue.annotation;

import org.jspecify.annotations.NullMarked;

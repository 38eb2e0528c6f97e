/**
 * The API an application touches: {@link dev.taskqueue.TaskQueue} to enqueue and steer tasks,
 * {@link dev.taskqueue.TaskHandler} and {@link dev.taskqueue.TaskContext} to run them.
 */
@NullMarked
package dev.taskqueue;

import org.jspecify.annotations.NullMarked;

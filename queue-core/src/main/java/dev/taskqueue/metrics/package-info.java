/**
 * Micrometer meters of TaskQueue: every name and tag in one place.
 */
@NullMarked
package dev.taskqueue.metrics;

import org.jspecify.annotations.NullMarked;

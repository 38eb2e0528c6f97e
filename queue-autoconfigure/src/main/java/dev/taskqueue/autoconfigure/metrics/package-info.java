/**
 * Auto-configuration of TaskQueue's Micrometer meters.
 */
@NullMarked
package dev.taskqueue.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;

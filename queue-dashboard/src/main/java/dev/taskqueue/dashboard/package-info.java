/**
 * The TaskQueue dashboard: a web UI for operators and the JSON API it reads, with its
 * auto-configuration.
 */
@NullMarked
package dev.taskqueue.dashboard;

import org.jspecify.annotations.NullMarked;

/**
 * Daemons: long-running loops that run on exactly one node of the cluster at a time, held
 * there by a lease in the database, restarted with backoff when they end, and started,
 * stopped and restarted from any node through {@link dev.taskqueue.daemon.TaskDaemons}.
 */
@NullMarked
package dev.taskqueue.daemon;

import org.jspecify.annotations.NullMarked;

/**
 * Retention: how long finished tasks and jobs are kept, and the sweeper that deletes them once
 * that time is over, on one node of the cluster at a time.
 */
@NullMarked
package dev.taskqueue.retention;

import org.jspecify.annotations.NullMarked;

/**
 * Leases on running tasks: renewing them while tasks run, and taking back tasks whose lease
 * lapsed.
 */
@NullMarked
package dev.taskqueue.lease;

import org.jspecify.annotations.NullMarked;

/**
 * Claiming ready tasks in batches for a node's free worker slots. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.claim;

import org.jspecify.annotations.NullMarked;

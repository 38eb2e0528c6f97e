/**
 * Enqueueing: validation before anything is written, then the store. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.enqueue;

import org.jspecify.annotations.NullMarked;

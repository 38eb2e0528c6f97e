/**
 * Recording outcomes in batches, releasing dependents in the same transaction. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.complete;

import org.jspecify.annotations.NullMarked;

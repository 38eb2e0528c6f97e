/**
 * Running claimed tasks on a bounded pool. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.execute;

import org.jspecify.annotations.NullMarked;

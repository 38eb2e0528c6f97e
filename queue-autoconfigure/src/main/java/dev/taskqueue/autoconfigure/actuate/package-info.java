/**
 * Actuator support for TaskQueue: a health indicator and the operator's endpoint.
 */
@NullMarked
package dev.taskqueue.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;

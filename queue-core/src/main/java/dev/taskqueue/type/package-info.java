/**
 * Task types: the immutable registry of blueprints, with options resolved from configuration, annotation and defaults. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.type;

import org.jspecify.annotations.NullMarked;

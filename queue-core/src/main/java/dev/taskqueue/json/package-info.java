/**
 * JSON encoding of payloads and results. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.json;

import org.jspecify.annotations.NullMarked;

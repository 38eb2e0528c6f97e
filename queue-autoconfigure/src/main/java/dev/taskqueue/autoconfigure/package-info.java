/**
 * Spring Boot auto-configuration for TaskQueue: binds {@code queue.*} properties, creates the
 * schema and wires the engine.
 */
@NullMarked
package dev.taskqueue.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of HTTP task types, when {@code queue-http} and {@code spring-web} are
 * on the classpath.
 */
@NullMarked
package dev.taskqueue.autoconfigure.http;

import org.jspecify.annotations.NullMarked;

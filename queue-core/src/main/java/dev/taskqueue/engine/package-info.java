/**
 * The engine that assembles store, registry, poller, workers and completer, with a builder for use without Spring Boot.
 */
@NullMarked
package dev.taskqueue.engine;

import org.jspecify.annotations.NullMarked;

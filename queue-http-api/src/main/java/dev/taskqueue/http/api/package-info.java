/**
 * The optional HTTP API of TaskQueue: enqueue tasks, read and wait for them, cancel and retry
 * them, as JSON under a configurable path.
 */
@NullMarked
package dev.taskqueue.http.api;

import org.jspecify.annotations.NullMarked;

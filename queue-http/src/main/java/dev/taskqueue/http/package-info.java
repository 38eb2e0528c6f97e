/**
 * Task types that are HTTP calls: a type declared with a URL runs each task as a request, with
 * no handler code, and retries it by the type's policy.
 */
@NullMarked
package dev.taskqueue.http;

import org.jspecify.annotations.NullMarked;

/**
 * The JDBC store and its schema scripts. Internal, not for application use.
 */
@NullMarked
package dev.taskqueue.store.jdbc;

import org.jspecify.annotations.NullMarked;
